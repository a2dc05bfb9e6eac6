import { defineConfig } from "prisma/config";

// The migration engine is not needed at runtime: scripts/migrate.ts applies
// prisma/migrations/*/migration.sql with Prisma's own bookkeeping table.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/switchboard" },
});
