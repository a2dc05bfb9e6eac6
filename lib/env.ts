import proxyaddr from "proxy-addr";
import { z } from "zod";
import { USE_LITE_PRECISIONS } from "@/router-core/embedder/use-lite-precision";

/** The only reader of process.env: every setting is validated once, here. */
const booleanish = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

/** A comma-separated setting as a list of its non-empty, trimmed items. */
const commaList = z
  .string()
  .default("")
  .transform((s) =>
    s
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  );

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/switchboard"),
  // Checked for strength when a production server starts (lib/auth/secret-strength.ts), not here: `next build` loads this module without it.
  AUTH_SECRET: z.string().min(16, "AUTH_SECRET must be at least 16 characters").optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  AUTH_GITHUB_ID: z.string().optional(),
  AUTH_GITHUB_SECRET: z.string().optional(),
  AUTH_GOOGLE_ID: z.string().optional(),
  AUTH_GOOGLE_SECRET: z.string().optional(),
  MODELS_FILE: z.string().default("models.json"),
  // The port `switchboard up` serves on (`next start -p`).
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  DEMO_LLM_URL: z.string().url().default("http://127.0.0.1:4010/v1"),
  // The demo models pace their answers like real ones; off answers at once (the load bench's capacity mode).
  DEMO_LLM_PACING: z.enum(["on", "off"]).default("on"),
  DEFAULT_MODEL: z.string().optional(),
  MAX_MESSAGE_CHARS: z.coerce.number().int().positive().default(16_000),
  LLM_FIRST_TOKEN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  // A streamed reply's network reads are passed on at most this often (lib/llm/read-batching-fetch.ts); 0: each at once.
  LLM_STREAM_READ_WINDOW_MS: z.coerce.number().int().nonnegative().max(1_000).default(25),
  ROUTER_MODEL_DIR: z.string().default("router-core/models/default"),
  ROUTER_DEVICE: z.enum(["auto", "cuda", "cpu"]).default("auto"),
  ROUTER_HISTORY_LIMIT: z.coerce.number().int().positive().default(200),
  ROUTER_QUERY_MODE: z.enum(["current_only", "full_context", "retrieval"]).optional(),
  ROUTER_ENABLED: booleanish.default(true),
  ROUTER_VERSION_CHECK_MS: z.coerce.number().int().nonnegative().default(5_000),
  // Override the online preference layer's constants the router model was validated with (its manifest).
  ROUTER_ONLINE_BETA: z.coerce.number().nonnegative().optional(),
  ROUTER_ONLINE_KAPPA: z.coerce.number().positive().default(1),
  // The population prior (everyone's ratings and the admin's hints, router-core/population-prior.ts): its logit scale (0 off) and refresh period.
  ROUTER_POPULATION_BETA: z.coerce.number().nonnegative().default(8),
  ROUTER_POPULATION_REFRESH_MS: z.coerce.number().int().positive().default(30_000),
  // Exploration: the share of routed turns that try a model rated fewer than ROUTER_EXPLORE_MIN_RATINGS times (0 off).
  ROUTER_EXPLORE_SHARE: z.coerce.number().min(0).max(1).default(0.03),
  ROUTER_EXPLORE_MIN_RATINGS: z.coerce.number().int().nonnegative().default(20),
  // Retraining: where registered router versions are written (one folder per version id).
  ROUTER_VERSIONS_DIR: z.string().default(".data/router-versions"),
  // A retrained model is activated on its own only when its held-out pair accuracy beats the active one's by this much; unset, activation is explicit.
  ROUTER_AUTO_ACTIVATE_MARGIN: z.coerce.number().min(0).max(1).optional(),
  // Continuous retraining (lib/router/auto-retrain.ts): a run after this many new ratings and votes, or this long after the last run; unset, off.
  ROUTER_RETRAIN_AFTER_RATINGS: z.coerce.number().int().positive().optional(),
  ROUTER_RETRAIN_INTERVAL_HOURS: z.coerce.number().positive().optional(),
  ROUTER_RETRAIN_CHECK_MS: z.coerce.number().int().nonnegative().default(60_000),
  ROUTER_RETRAIN_PRESET: z.enum(["default", "tiny"]).default("default"),
  ROUTER_RETRAIN_WITH_MTBENCH: booleanish.default(true),
  // local: the app process runs retraining itself; service: it queues runs for a trainer service (`switchboard retrain worker`).
  ROUTER_TRAINER: z.enum(["local", "service"]).default("local"),
  // The Python with torch that runs training/ (the Debian packages that scripts/install.sh installs).
  ROUTER_TRAINER_PYTHON: z.string().default("/usr/bin/python3"),
  // The MT-Bench human judgments (CC-BY-4.0) that retraining can mix in; shipped in the repository.
  MTBENCH_DIR: z.string().default("data/mtbench-human"),
  EMBEDDER: z.enum(["use-lite", "openai"]).default("use-lite"),
  // The use-lite encoder's build: int8 costs a quarter of float32's CPU per query, with the same routing decisions.
  EMBEDDER_PRECISION: z.enum(USE_LITE_PRECISIONS).default("int8"),
  EMBEDDINGS_BASE_URL: z.string().url().optional(),
  EMBEDDINGS_MODEL: z.string().optional(),
  EMBEDDINGS_DIM: z.coerce.number().int().positive().optional(),
  EMBEDDINGS_API_KEY_ENV: z.string().optional(),
  // Structured JSON logs on stdout; "silent" turns them off (tests).
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // The command line sets stderr, so its own output on stdout stays machine-readable.
  LOG_DESTINATION: z.enum(["stdout", "stderr"]).default("stdout"),
  // Traces are exported only when an OTLP/HTTP collector is named; unset, nothing reaches the network.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_SERVICE_NAME: z.string().default("switchboard"),
  // Connections each app instance may hold; several instances share Postgres's max_connections.
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10),
  // How long a query waits for a free pooled connection before failing, so an exhausted pool answers instead of hanging.
  DATABASE_POOL_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  // Server-side limits on one statement and on one lock wait, so a stuck query cannot hold a pooled connection forever; 0 turns a limit off.
  // The lock limit stays at or below Prisma's 5 s transaction timeout: a transaction that times out cannot roll back while its statement still waits.
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().nonnegative().default(30_000),
  DATABASE_LOCK_TIMEOUT_MS: z.coerce.number().int().nonnegative().default(5_000),
  // Statements prepared once per connection (lib/db/client.ts); off behind a pooler that hands one session's statements to
  // other connections (PgBouncer in transaction mode before 1.21).
  DATABASE_PREPARED_STATEMENTS: booleanish.default(true),
  // Abuse limits: at most N requests per fixed window, counted in `rate_limits` so all instances share them; 0 turns a limit off.
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_LOGIN_PER_IP: z.coerce.number().int().nonnegative().default(30),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: z.coerce.number().int().nonnegative().default(10),
  RATE_LIMIT_SESSIONS_PER_USER: z.coerce.number().int().nonnegative().default(60),
  RATE_LIMIT_REGISTER_PER_IP: z.coerce.number().int().nonnegative().default(20),
  RATE_LIMIT_CHAT_PER_USER: z.coerce.number().int().nonnegative().default(60),
  RATE_LIMIT_CHAT_PER_IP: z.coerce.number().int().nonnegative().default(600),
  // Stored turns per chat session (user turns, answers and regenerations), so one session cannot grow without bound.
  MAX_SESSION_TURNS: z.coerce.number().int().positive().default(1000),
  // Reverse proxies whose X-Forwarded-For / -Proto / -Host are believed (comma-separated IPs, CIDRs or proxy-addr names:
  // loopback, linklocal, uniquelocal). Empty: the socket's peer is the client and forwarded headers are ignored.
  TRUSTED_PROXIES: commaList.superRefine((list, ctx) => {
    try {
      proxyaddr.compile(list);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `TRUSTED_PROXIES: ${(err as Error).message}` });
    }
  }),
  // Origins besides the request's own host that may call state-changing APIs (comma-separated, e.g. https://chat.example.com).
  ALLOWED_ORIGINS: commaList,
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
  const known = (env as Record<string, unknown>)[name];
  return process.env[name] ?? (known === undefined ? undefined : String(known));
}
