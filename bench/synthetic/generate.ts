/**
 * Creates (or fills an empty) database with synthetic Switchboard data for
 * the admin benchmark.
 *
 * Usage: npx tsx bench/synthetic/generate.ts --url postgresql://postgres@127.0.0.1:5432/sb_bench
 *        [--users 10000] [--turns 1000000] [--days 90] [--sessions-per-user 5] [--comparison-every 100]
 * The admin signs in as user1@synthetic.test / synthetic-admin-password.
 */
import { parseArgs } from "node:util";
import { applyMigrations, ensureDatabase } from "../../lib/db/migrate";
import { generateSyntheticData, SYNTHETIC_ADMIN } from "./synthetic-data";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    users: { type: "string", default: "10000" },
    turns: { type: "string", default: "1000000" },
    days: { type: "string", default: "90" },
    "sessions-per-user": { type: "string", default: "5" },
    "comparison-every": { type: "string", default: "100" },
  },
});

async function main() {
  if (!values.url) throw new Error("--url is required (the database to create and fill)");
  const started = performance.now();
  await ensureDatabase(values.url);
  await applyMigrations(values.url);
  await generateSyntheticData({
    url: values.url,
    scale: {
      users: Number(values.users),
      turns: Number(values.turns),
      days: Number(values.days),
      sessionsPerUser: Number(values["sessions-per-user"]),
      comparisonEvery: Number(values["comparison-every"]),
    },
    log: (line) => console.log(line),
  });
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s; admin: ${SYNTHETIC_ADMIN.email} / ${SYNTHETIC_ADMIN.password}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
