/**
 * What a user's history read costs PostgreSQL as everyone else's history grows. Every rating re-encodes its user from
 * their newest 200 signals (ratedHistoryStatement in lib/router/prisma-history-store.ts), so the read runs once per
 * rating; it should reach the turns table only through the user's own rows, at a cost that does not grow with the
 * deployment. One user with --signals rated answers in a fresh database, then other users' conversations added in
 * steps (100 turns and 25 ratings a user), with fresh statistics after each; the baseline, in the same run, is the
 * same read before any other user existed. The read runs both ways the app sends statements (lib/db/client.ts): prepared
 * once per connection (the default; after five runs PostgreSQL may keep a generic plan) and unnamed, planned on every
 * run for its values (DATABASE_PREPARED_STATEMENTS=false, behind a pooler in transaction mode). CPU of the PostgreSQL
 * backend that serves it (from /proc: PostgreSQL must run on this machine) and wall time per read, p50.
 *
 *   npx tsx --conditions=react-server bench/routing/history-read-growth.ts [--signals 200] [--reads 100]
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { createTestDatabase } from "../../test/support/database";
import { numberArg } from "../load/options";
import { percentile } from "./encoder";
import { seedBenchModel, seedOtherUsers, seedRatedUser } from "./seed-history";

const SIGNALS = numberArg("signals", 200, 1000, { integer: true });
const READS = numberArg("reads", 100, 10_000, { integer: true });
/** Other users' turns in the database at each step. */
const OTHER_TURNS = [0, 30_000, 300_000];
const TURNS_PER_OTHER_USER = 100;
const CLOCK_TICKS_PER_S = 100;

/** User plus system CPU of a process, in ms (Linux's clock ticks: 10 ms each). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

async function main() {
  const db = await createTestDatabase("sb_bench_history_growth");
  process.env.DATABASE_URL = db.url;
  const { ratedHistoryStatement } = await import("@/lib/router/prisma-history-store");
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await seedBenchModel(client);
    const userId = await seedRatedUser(client, SIGNALS);
    const statement = ratedHistoryStatement({ userId, limit: 200, embeddingKey: "bench" }, []);
    const [{ pid }] = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows;
    const modes = { prepared: "history", unnamed: undefined };
    console.log(`reading a user's history of ${SIGNALS} rated answers, ${READS} reads per step and way (after ${READS} to warm up):`);
    console.log("| other users' turns | statement | PostgreSQL CPU ms per read | wall ms per read, p50 | CPU ratio to no other users |");
    console.log("|---|---|---|---|---|");
    const baselineCpu = new Map<string, number>();
    let added = 0;
    for (const turns of OTHER_TURNS) {
      if (turns > added) {
        await seedOtherUsers(client, (turns - added) / TURNS_PER_OTHER_USER, `${turns}`);
        added = turns;
      }
      await client.query("VACUUM ANALYZE");
      for (const [mode, name] of Object.entries(modes)) {
        // A new name per step: PostgreSQL plans it afresh under the new statistics.
        const read = () => client.query({ name: name && `${name}_${turns}`, text: statement.text, values: statement.values });
        for (let i = 0; i < READS; i++) await read();
        const wall: number[] = [];
        const cpu0 = processCpuMs(pid);
        for (let i = 0; i < READS; i++) {
          const t0 = performance.now();
          const { rowCount } = await read();
          wall.push(performance.now() - t0);
          if (rowCount !== SIGNALS) throw new Error(`the read returned ${rowCount} signals, not ${SIGNALS}`);
        }
        const cpu = (processCpuMs(pid) - cpu0) / READS;
        if (turns === 0) baselineCpu.set(mode, cpu);
        const ratio = cpu / (baselineCpu.get(mode) ?? cpu);
        console.log(`| ${turns.toLocaleString("en")} | ${mode} | ${cpu.toFixed(2)} | ${percentile(wall, 50).toFixed(2)} | ${ratio.toFixed(2)} |`);
      }
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
