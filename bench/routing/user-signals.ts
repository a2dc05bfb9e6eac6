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
import { seedBenchModel, seedRatedUser } from "./seed-history";

const CALLS = numberArg("calls", 20, 1000, { integer: true });
const HISTORIES = [100, 1_000, 10_000];
const NEWEST = 200;

/** The replaced function, as its migration created it, under the name user_signals_replaced. */
function replacedFunction(): string {
  const sql = readFileSync("prisma/migrations/20261205010000_answer_signals_function/migration.sql", "utf8");
  const body = sql.slice(sql.indexOf("CREATE OR REPLACE FUNCTION user_signals("));
  return body.slice(0, body.indexOf("$$;") + 3).replace("CREATE OR REPLACE FUNCTION user_signals(", "CREATE FUNCTION user_signals_replaced(");
}

async function main() {
  const db = await createTestDatabase("sb_bench_signals");
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await seedBenchModel(client);
    await client.query(replacedFunction());
    const users = new Map<number, string>();
    for (const n of HISTORIES) users.set(n, await seedRatedUser(client, n));
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
