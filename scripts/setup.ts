/**
 * Prepares the database: creates it if missing, applies migrations (Prisma's
 * bookkeeping, no engine binary needed) and seeds the models file. Idempotent.
 */
import { seedModels } from "@/lib/db/queries/models";
import { prisma } from "@/lib/db/client";
import { applyMigrations, ensureDatabase } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { loadModelsFile } from "@/lib/llm/models-config";

async function main() {
  await ensureDatabase(env.DATABASE_URL);
  const { applied, skipped } = await applyMigrations(env.DATABASE_URL);
  console.log(`migrations: ${applied.length} applied, ${skipped.length} already present`);
  const file = loadModelsFile(env.MODELS_FILE);
  await seedModels({ models: file.models });
  console.log(`models: ${file.models.map((m) => m.id).join(", ")} (default ${file.defaultModel})`);
  await prisma.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
