import type { Command } from "commander";
import { note } from "../options";

export function registerDb(program: Command): void {
  const db = program.command("db").description("database chores");
  db.command("migrate")
    .description("create the database (DATABASE_URL) if missing and apply prisma/migrations; already applied ones are skipped")
    .action(async () => {
      const { env } = await import("@/lib/env");
      const { applyMigrations, ensureDatabase } = await import("@/lib/db/migrate");
      await ensureDatabase(env.DATABASE_URL);
      const { applied, skipped } = await applyMigrations(env.DATABASE_URL);
      for (const name of applied) note(`applied ${name}`);
      console.log(`migrations: ${applied.length} applied, ${skipped.length} already present`);
    });
}
