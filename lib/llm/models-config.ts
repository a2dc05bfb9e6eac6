import { readFileSync } from "node:fs";
import { z } from "zod";
import { readEnvVar } from "@/lib/env";
import { apiKeyEnvSchema, baseUrlSchema } from "./endpoint-rules";

/** `${NAME}` in a base URL is replaced by that environment variable, so one file serves every deployment. */
function interpolate(value: string, ctx: z.RefinementCtx): string {
  return value.replace(/\$\{([A-Z0-9_]+)\}/g, (_match, name: string) => {
    const resolved = readEnvVar(name);
    if (resolved === undefined) {
      ctx.addIssue({ code: "custom", message: `environment variable ${name} is not set` });
      return "";
    }
    return resolved;
  });
}

export const modelConfigSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "lowercase letters, digits, '.', '_' or '-'"),
  displayName: z.string().min(1).max(80),
  baseUrl: z.string().transform(interpolate).pipe(baseUrlSchema),
  apiKeyEnv: apiKeyEnvSchema.optional(),
  providerModelId: z.string().min(1),
  description: z.string().min(10).max(1000),
  /** Admin hints: example requests this model is for; the router relies on them until the model has ratings. */
  examples: z.array(z.string().trim().min(3).max(500)).max(20).default([]),
  inputPricePerM: z.number().nonnegative().default(0),
  outputPricePerM: z.number().nonnegative().default(0),
  enabled: z.boolean().default(true),
});

export const modelsFileSchema = z
  .object({ defaultModel: z.string(), models: z.array(modelConfigSchema).min(1) })
  .refine((f) => f.models.some((m) => m.id === f.defaultModel), { message: "defaultModel must be one of models[].id", path: ["defaultModel"] })
  .refine((f) => new Set(f.models.map((m) => m.id)).size === f.models.length, { message: "model ids must be unique", path: ["models"] });

export type ModelConfig = z.infer<typeof modelConfigSchema>;
export type ModelsFile = z.infer<typeof modelsFileSchema>;

export function loadModelsFile(path: string): ModelsFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: cannot read models file: ${(err as Error).message}`);
  }
  const parsed = modelsFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`${path}: invalid models file:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
