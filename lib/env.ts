import { z } from "zod";

/** The only reader of process.env: every setting is validated once, here. */
const booleanish = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/switchboard"),
  AUTH_SECRET: z.string().min(16, "AUTH_SECRET must be at least 16 characters").optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  AUTH_GITHUB_ID: z.string().optional(),
  AUTH_GITHUB_SECRET: z.string().optional(),
  AUTH_GOOGLE_ID: z.string().optional(),
  AUTH_GOOGLE_SECRET: z.string().optional(),
  MODELS_FILE: z.string().default("models.json"),
  DEMO_LLM_URL: z.string().url().default("http://127.0.0.1:4010/v1"),
  DEFAULT_MODEL: z.string().optional(),
  MAX_MESSAGE_CHARS: z.coerce.number().int().positive().default(16_000),
  LLM_FIRST_TOKEN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  ROUTER_MODEL_DIR: z.string().default("router-core/models/default"),
  ROUTER_DEVICE: z.enum(["auto", "cuda", "cpu"]).default("auto"),
  ROUTER_HISTORY_LIMIT: z.coerce.number().int().positive().default(200),
  ROUTER_QUERY_MODE: z.enum(["current_only", "full_context", "retrieval"]).optional(),
  ROUTER_ENABLED: booleanish.default(true),
});

export type Env = z.infer<typeof envSchema>;

function parseEnv(): Env {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv();

/** Variables named in config files (a model's apiKeyEnv, ${VAR} in a base URL) are looked up by name. */
export function readEnvVar(name: string): string | undefined {
  return process.env[name];
}
