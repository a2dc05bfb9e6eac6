import type { Command } from "commander";
import { pathArgument } from "../options";

export function registerModels(program: Command): void {
  const models = program.command("models").description("the LLM catalog stored in the database");
  models
    .command("list")
    .description("list every stored model (* marks enabled ones)")
    .option("--json", "print JSON lines instead of a table")
    .action(async (opts: { json?: boolean }) => {
      const { listCatalog } = await import("@/lib/db/queries/admin/models");
      for (const m of await listCatalog()) {
        if (opts.json)
          console.log(JSON.stringify({ id: m.id, displayName: m.displayName, enabled: m.enabled, baseUrl: m.baseUrl, providerModelId: m.providerModelId }));
        else console.log(`${m.enabled ? "*" : " "} ${m.id.padEnd(24)} ${m.displayName.padEnd(28)} ${m.baseUrl}`);
      }
    });
  models
    .command("sync")
    .description(
      "insert the models file's new models and update the wiring (baseUrl, apiKeyEnv, providerModelId) of stored ones; " +
        "names, descriptions, prices and the enabled flag stay as admins edited them",
    )
    .option("--file <path>", "the models file (default: MODELS_FILE, models.json)", pathArgument)
    .action(async (opts: { file?: string }) => {
      const { env } = await import("@/lib/env");
      const { loadModelsFile } = await import("@/lib/llm/models-config");
      const { seedModels } = await import("@/lib/db/queries/models");
      const file = loadModelsFile(opts.file ?? env.MODELS_FILE);
      await seedModels({ models: file.models });
      console.log(`models: ${file.models.map((m) => m.id).join(", ")} (default ${file.defaultModel})`);
    });
}
