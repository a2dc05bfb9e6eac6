/**
 * What reading a user's graph costs PostgreSQL as the user's history grows: every rating re-encodes the user, and
 * the encode reads their newest ROUTER_HISTORY_LIMIT (200) signals. user_signals(user, rating, newest) reads from
 * where the newest signals begin (migration 20261209010000_user_signals_newest); the baseline, in the same run and
 * alternated call by call, is the function it replaced (from migration 20261205010000_answer_signals_function,
 * created under another name), which gave every signal for the read to sort. Users with 100, 1,000 and 10,000
 * ratings a minute apart, in a fresh database; wall time of the call in PostgreSQL's session, p50.
 *
 *   npx tsx bench/routing/user-signals.ts [--calls 20]
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { createTestDatabase } from "../../test/support/database";
import { numberArg } from "../load/options";
import { percentile } from "./encoder";

const CALLS = numberArg("calls", 20, 1000, { integer: true });
const HISTORIES = [100, 1_000, 10_000];
const NEWEST = 200;

/** The replaced function, as its migration created it, under the name user_signals_replaced. */
function replacedFunction(): string {
  const sql = readFileSync("prisma/migrations/20261205010000_answer_signals_function/migration.sql", "utf8");
  const body = sql.slice(sql.indexOf("CREATE OR REPLACE FUNCTION user_signals("));
  return body.slice(0, body.indexOf("$$;") + 3).replace("CREATE OR REPLACE FUNCTION user_signals(", "CREATE FUNCTION user_signals_replaced(");
}

/** A user with `ratings` rated answers, ten to a conversation, rated a minute apart. */
async function seedUser(client: pg.Client, ratings: number): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `WITH u AS (INSERT INTO users (id, email) VALUES (gen_random_uuid(), $1) RETURNING id),
     s AS (INSERT INTO chat_sessions (id, user_id, title) SELECT gen_random_uuid(), u.id, 'bench' FROM u, generate_series(1, $2 / 10) RETURNING id, user_id),
     q AS (INSERT INTO turns (id, chat_session_id, user_id, position, role, content)
           SELECT gen_random_uuid(), s.id, s.user_id, 2 * k, 'user', 'question ' || k FROM s, generate_series(0, 9) k
           RETURNING id, chat_session_id, user_id, position),
     a AS (INSERT INTO turns (id, chat_session_id, user_id, position, role, content, parent_id, model_id, status)
           SELECT gen_random_uuid(), q.chat_session_id, q.user_id, q.position + 1, 'assistant', 'answer', q.id, 'bench-model', 'completed' FROM q
           RETURNING id, user_id),
     r AS (INSERT INTO ratings (id, turn_id, user_id, stars, value, updated_at)
           SELECT gen_random_uuid(), a.id, a.user_id, 4, 0.75, now() - (row_number() OVER ()) * interval '1 minute' FROM a)
     SELECT id::text FROM u`,
    [`signals-${ratings}@bench.test`, ratings],
  );
  return rows[0].id;
}

async function main() {
  const db = await createTestDatabase("sb_bench_signals");
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO llm_models (id, display_name, base_url, provider_model_id, description) VALUES ('bench-model', 'Bench', 'http://127.0.0.1:1', 'bench', 'a model')`,
    );
    await client.query(replacedFunction());
    const users = new Map<number, string>();
    for (const n of HISTORIES) users.set(n, await seedUser(client, n));
    await client.query("VACUUM ANALYZE");
    // Prepared, as the app's statements are: each plans once per connection.
    const variants = {
      "newest (now)": "SELECT count(*) FROM user_signals($1::uuid, 0.75, $2::int)",
      "every signal, sorted (baseline)": "SELECT count(*) FROM (SELECT * FROM user_signals_replaced($1::uuid, 0.75) ORDER BY created_at DESC LIMIT $2) x",
    };
    console.log(`reading a user's newest ${NEWEST} signals, ${CALLS} calls each (the first of each left out), ms p50:`);
    console.log(`| ratings | ${Object.keys(variants).join(" | ")} | ratio |\n|---|---|---|---|`);
    for (const [n, userId] of users) {
      const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
      for (let call = 0; call <= CALLS; call++) {
        for (const [name, text] of Object.entries(variants)) {
          const t0 = performance.now();
          await client.query({ name, text, values: [userId, NEWEST] });
          if (call > 0) times[name].push(performance.now() - t0);
        }
      }
      const [now, baseline] = Object.keys(variants).map((k) => percentile(times[k], 50));
      console.log(`| ${n} | ${now.toFixed(2)} | ${baseline.toFixed(2)} | ${(now / baseline).toFixed(3)} |`);
    }
  } finally {
    await client.end();
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
