/**
 * Synthetic Switchboard data for the admin dashboard's benchmark and tests:
 * users, chat sessions, rated assistant turns with routing decisions, a few
 * comparisons, router versions and training runs. Every table is filled by
 * one INSERT ... SELECT over generate_series, so a million turns take
 * minutes, not hours. Values are deterministic functions of the row number.
 */
import bcrypt from "bcrypt";
import pg from "pg";

export type SyntheticScale = {
  /** Users; user 1 is the admin. */
  users: number;
  /** Assistant turns, every one routed and rated (each also adds its user turn). */
  turns: number;
  /** Days the turns are spread over, ending now. */
  days: number;
  /** Chat sessions per user. */
  sessionsPerUser: number;
  /** One comparison per this many turns (0 = none). */
  comparisonEvery: number;
};

export const SYNTHETIC_MODELS = [
  { id: "syn-small", name: "Synthetic · Small", input: 0.15, output: 0.6 },
  { id: "syn-medium", name: "Synthetic · Medium", input: 1, output: 3 },
  { id: "syn-large", name: "Synthetic · Large", input: 5, output: 15 },
  { id: "syn-coder", name: "Synthetic · Coder", input: 1, output: 4 },
  { id: "syn-reasoner", name: "Synthetic · Reasoner", input: 10, output: 40 },
] as const;

/** Per-model star offset, so models differ in satisfaction. */
const QUALITY = [0, 1, 2, 1, 2];

export const SYNTHETIC_ADMIN = { email: "user1@synthetic.test", password: "synthetic-admin-password" };

const modelIdSql = `(ARRAY[${SYNTHETIC_MODELS.map((m) => `'${m.id}'`).join(",")}])[mi + 1]`;
const candidatesSql = `jsonb_build_array(${SYNTHETIC_MODELS.map((m, j) => `jsonb_build_object('modelId', '${m.id}', 'score', CASE WHEN mi = ${j} THEN 0.9 ELSE round((0.1 + ((k + ${j}) % 7) / 10.0)::numeric, 3) END, 'probability', CASE WHEN mi = ${j} THEN 0.6 ELSE 0.1 END)`).join(", ")})`;

/** Fills an empty, migrated database. Refuses a database that already has users. */
export async function generateSyntheticData({ url, scale, log = () => {} }: { url: string; scale: SyntheticScale; log?: (line: string) => void }) {
  const { users: U, turns: T, days: D, sessionsPerUser: S, comparisonEvery: C } = scale;
  if (U < 1 || T < 1 || D < 1 || S < 1) throw new Error(`scale values must be positive, got ${JSON.stringify(scale)}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const started = performance.now();
    const result = await client.query(sql, params);
    log(`${label}: ${result.rowCount ?? 0} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  try {
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
    if (rows[0].n > 0) throw new Error("the database already has users; generate into an empty one");
    const adminHash = await bcrypt.hash(SYNTHETIC_ADMIN.password, 10);

    // md5 gives stable ids from row numbers; setting the version and variant nibbles makes them RFC 4122 UUIDs that the app's validators accept.
    await client.query(
      `CREATE FUNCTION pg_temp.syn_uuid(text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$ SELECT overlay(overlay(md5($1) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid $$`,
    );
    await client.query("BEGIN");
    // Foreign keys hold by construction; skipping their per-row triggers makes the load several times faster.
    await client.query("SET LOCAL session_replication_role = replica");
    await step(
      "models",
      `INSERT INTO llm_models (id, display_name, base_url, provider_model_id, description, input_price_per_m, output_price_per_m, enabled, updated_at)
       SELECT m->>'id', m->>'name', 'http://127.0.0.1:4010/v1', m->>'id', 'Synthetic model ' || (m->>'id') || ' for benchmarks.', (m->>'input')::float8, (m->>'output')::float8, true, now()
         FROM jsonb_array_elements($1::jsonb) m`,
      [JSON.stringify(SYNTHETIC_MODELS)],
    );
    await step(
      "users",
      `INSERT INTO users (id, email, name, password_hash, role, created_at)
       SELECT pg_temp.syn_uuid('user-' || i), 'user' || i || '@synthetic.test', 'User ' || i,
              CASE WHEN i = 1 THEN $2 END, (CASE WHEN i = 1 THEN 'admin' ELSE 'user' END)::"Role",
              now() - make_interval(days => $3) + (i % 1440) * interval '1 minute'
         FROM generate_series(1, $1::int) i`,
      [U, adminHash, D],
    );
    await step(
      "chat sessions",
      `INSERT INTO chat_sessions (id, user_id, title, created_at, updated_at)
       SELECT pg_temp.syn_uuid('session-' || u || '-' || s), pg_temp.syn_uuid('user-' || u), 'Synthetic chat ' || s, now() - make_interval(days => $3), now()
         FROM generate_series(1, $1::int) u, generate_series(0, $2::int - 1) s`,
      [U, S, D],
    );
    // k: 0-based turn number in time order; u: its user; n: the user's own turn number; mi: model index.
    // Per-turn variation mixes u and n: k alone repeats with the same phase for every turn of a user.
    await step(
      "turn plan",
      `CREATE TEMP TABLE syn ON COMMIT DROP AS
       SELECT k, u, n, n % $2 AS s, n / $2 AS pair,
              CASE WHEN n < 3 THEN 1 WHEN (u * 31 + n * 17) % 10 < 6 THEN u % 5 ELSE n % 5 END AS mi,
              (u * 13 + n * 7) % 50 = 0 AS failed,
              now() - make_interval(days => $4) + (k::float8 / $3) * make_interval(days => $4) AS at
         FROM (SELECT k, k % $1 + 1 AS u, k / $1 AS n FROM generate_series(0, $3::int - 1) k) g`,
      [U, S, T, D],
    );
    await step(
      "user turns",
      `INSERT INTO turns (id, chat_session_id, user_id, position, role, content, status, created_at, completed_at)
       SELECT pg_temp.syn_uuid('ut-' || k), pg_temp.syn_uuid('session-' || u || '-' || s), pg_temp.syn_uuid('user-' || u), 2 * pair, 'user', 'Synthetic question ' || k, 'completed', at, at
         FROM syn`,
    );
    await step(
      "assistant turns",
      `INSERT INTO turns (id, chat_session_id, user_id, position, role, content, parent_id, model_id, status, error, prompt_tokens, completion_tokens, latency_ms, ttft_ms, created_at, completed_at)
       SELECT pg_temp.syn_uuid('at-' || k), pg_temp.syn_uuid('session-' || u || '-' || s), pg_temp.syn_uuid('user-' || u), 2 * pair + 1, 'assistant', 'Synthetic answer ' || k,
              pg_temp.syn_uuid('ut-' || k), ${modelIdSql}, (CASE WHEN failed THEN 'failed' ELSE 'completed' END)::"TurnStatus",
              CASE WHEN failed THEN 'synthetic upstream error' END,
              CASE WHEN NOT failed THEN 50 + (u * 17 + n * 13) % 400 END, CASE WHEN NOT failed THEN 100 + (u * 7 + n * 29) % 900 END,
              300 + (u * 13 + n * 31) % 3000 + mi * 200, 100 + (u * 11 + n * 17) % 500, at + interval '1 second', at + interval '5 seconds'
         FROM syn`,
    );
    await step(
      "routing decisions",
      `INSERT INTO routing_decisions (id, turn_id, user_id, chosen_model_id, router_version, execution_provider, candidates, confidence, ratings_used, cold_start, override, fallback, timings, total_ms, created_at)
       SELECT pg_temp.syn_uuid('d-' || k), pg_temp.syn_uuid('at-' || k), pg_temp.syn_uuid('user-' || u), ${modelIdSql},
              CASE WHEN k < $1::int / 2 THEN 'gmt-v1' ELSE 'gmt-v2' END, CASE WHEN k < $1::int / 2 THEN 'cpu' ELSE 'cuda' END,
              ${candidatesSql}, 0.5 + ((u + n * 3) % 50) / 100.0, least(n, 200), n < 3, k % 37 = 0, k % 101 = 0,
              jsonb_build_object('embedMs', 1 + ((u + n * 7) % 30) / 10.0, 'scoreMs', 0.5 + ((u * 3 + n) % 20) / 10.0),
              1.5 + ((u + n * 11) % 50) / 10.0 + CASE WHEN (u * 31 + n * 7) % 100 = 0 THEN 40 ELSE 0 END, at + interval '1 second'
         FROM syn`,
      [T],
    );
    await step(
      "ratings",
      `INSERT INTO ratings (id, turn_id, user_id, thumbs_up, stars, value, created_at, updated_at)
       SELECT pg_temp.syn_uuid('r-' || k), pg_temp.syn_uuid('at-' || k), pg_temp.syn_uuid('user-' || u),
              CASE WHEN k % 3 <> 0 THEN stars >= 4 END, stars, (stars - 1) / 4.0, at + interval '1 minute', at + interval '1 minute'
         FROM (SELECT k, u, at, 1 + least(4, greatest(0, (ARRAY[${QUALITY.join(",")}])[mi + 1] + (k * 7) % 3)) AS stars FROM syn) r`,
    );
    if (C > 0) {
      await step(
        "comparison answers",
        `INSERT INTO turns (id, chat_session_id, user_id, position, role, content, parent_id, model_id, status, prompt_tokens, completion_tokens, latency_ms, ttft_ms, created_at, completed_at)
         SELECT pg_temp.syn_uuid('ct-' || k), pg_temp.syn_uuid('session-' || u || '-' || s), pg_temp.syn_uuid('user-' || u), 2 * pair + 1 + 1000000000, 'assistant', 'Synthetic alternative ' || k,
                pg_temp.syn_uuid('ut-' || k), (ARRAY[${SYNTHETIC_MODELS.map((m) => `'${m.id}'`).join(",")}])[(mi + 1) % 5 + 1], 'completed', 50, 200, 900, 200, at + interval '1 second', at + interval '5 seconds'
           FROM syn WHERE (u * 7 + n * 37) % $1 = 0`,
        [C],
      );
      await step(
        "comparisons",
        `INSERT INTO comparisons (id, user_id, user_turn_id, turn_a_id, turn_b_id, winner, created_at, voted_at)
         SELECT pg_temp.syn_uuid('c-' || k), pg_temp.syn_uuid('user-' || u), pg_temp.syn_uuid('ut-' || k), pg_temp.syn_uuid('at-' || k), pg_temp.syn_uuid('ct-' || k),
                (ARRAY['a', 'b', 'tie'])[k % 3 + 1]::"ComparisonWinner", at, at + interval '2 minutes'
           FROM syn WHERE (u * 7 + n * 37) % $1 = 0`,
        [C],
      );
    }
    await step(
      "router versions",
      `INSERT INTO router_versions (id, path, manifest, metrics, active, created_at, activated_at) VALUES
         ('gmt-v1', 'router-core/models/gmt-v1', '{"version": "gmt-v1"}', '{"auc": 0.71, "accuracy": 0.64}', false, now() - make_interval(days => $1), now() - make_interval(days => $1)),
         ('gmt-v2', 'router-core/models/gmt-v2', '{"version": "gmt-v2"}', '{"auc": 0.74, "accuracy": 0.67}', true, now() - make_interval(days => $1) / 2, now() - make_interval(days => $1) / 2)`,
      [D],
    );
    await step(
      "training runs",
      `INSERT INTO training_runs (id, status, progress, stage, log, error, router_version_id, created_at, finished_at) VALUES
         (pg_temp.syn_uuid('run-1'), 'succeeded', 1, 'done', 'epoch 1 loss 0.69\nepoch 2 loss 0.61', NULL, 'gmt-v1', now() - make_interval(days => $1), now() - make_interval(days => $1)),
         (pg_temp.syn_uuid('run-2'), 'failed', 0.4, 'train', 'epoch 1 loss 0.70', 'out of memory', NULL, now() - make_interval(days => $1) / 2 - interval '1 day', now() - make_interval(days => $1) / 2 - interval '1 day'),
         (pg_temp.syn_uuid('run-3'), 'succeeded', 1, 'done', 'epoch 1 loss 0.66\nepoch 2 loss 0.58', NULL, 'gmt-v2', now() - make_interval(days => $1) / 2, now() - make_interval(days => $1) / 2)`,
      [D],
    );
    await client.query("COMMIT");
    // Sets the visibility map too, so the dashboard's covering indexes give index-only scans right away.
    await step("vacuum analyze", "VACUUM ANALYZE");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}
