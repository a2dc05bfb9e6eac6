/**
 * What one reload of everyone's ratings (the population prior's evidence, lib/router/population.ts) costs as the
 * deployment grows: every instance runs it every ROUTER_POPULATION_REFRESH_MS in the background. The reload reads
 * the newest POPULATION_WINDOW signals; the baseline, in the same run and alternated round by round, is the same
 * loader reading every signal, as each reload did before the window. PostgreSQL's CPU (its processes, from /proc)
 * and the wall time per reload. The embedder caches the sample's question texts after the first reload, so what is
 * left is the database's work and the app's decoding.
 *
 *   npx tsx --conditions=react-server bench/routing/population-load.ts --url postgresql://postgres@127.0.0.1:5432/sb_bench1m [--rounds 4] [--loads 3]
 *
 * The database must hold synthetic data (bench/synthetic/generate.ts; --turns 1000000 stores a million ratings).
 */
import { parseArgs } from "node:util";
import { applyMigrations } from "../../lib/db/migrate";
import { cpuBetween, cpuSnapshot } from "../load/cpu";
import { numberArg } from "../load/options";
import { percentile } from "./encoder";

const { values } = parseArgs({ options: { url: { type: "string" } }, strict: false });
const ROUNDS = numberArg("rounds", 4, 100, { integer: true });
const LOADS = numberArg("loads", 3, 100, { integer: true });

async function main() {
  if (typeof values.url !== "string") throw new Error("--url is required (a database filled by bench/synthetic/generate.ts)");
  process.env.DATABASE_URL = values.url;
  await applyMigrations(values.url);
  const [{ prisma }, { loadPopulationEvidence, POPULATION_WINDOW }, { CachedEmbedder, UseLiteOnnxEmbedder, USE_LITE_ID }] = await Promise.all([
    import("@/lib/db/client"),
    import("@/lib/router/population"),
    import("@/router-core"),
  ]);
  try {
    const [{ signals }] = await prisma.$queryRaw<{ signals: number }[]>`SELECT count(*)::int AS signals FROM answer_signals()`;
    const embedder = new CachedEmbedder(await UseLiteOnnxEmbedder.create(), { maxEntries: 10_000 });
    const embeddingKey = `${USE_LITE_ID}:current_only`;
    const variants = { [`newest ${POPULATION_WINDOW}`]: POPULATION_WINDOW, "every signal (baseline)": null };
    // The first reload of each embeds the sample's questions that have no stored embedding; later ones find them cached.
    const samples = new Map<string, string>();
    for (const [name, size] of Object.entries(variants)) {
      const { modelIds, ratings, queries } = await loadPopulationEvidence(embedder, embeddingKey, { window: size });
      samples.set(name, JSON.stringify([modelIds, Array.from(ratings), Array.from(queries)]));
    }
    const sampleRows = JSON.parse(samples.values().next().value ?? "[[]]")[0].length;

    const postgres: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    const wall: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? Object.entries(variants) : Object.entries(variants).reverse();
      for (const [name, size] of order) {
        for (let i = 0; i < LOADS; i++) {
          const before = cpuSnapshot();
          const t0 = performance.now();
          await loadPopulationEvidence(embedder, embeddingKey, { window: size });
          wall[name].push(performance.now() - t0);
          postgres[name].push(1000 * cpuBetween(before, cpuSnapshot(), { groups: {}, commands: { postgres: "postgres" } }).seconds.postgres);
        }
      }
    }
    const p50 = (xs: number[]) => percentile(xs, 50);
    console.log(`one population reload on a database with ${signals} signals, ${ROUNDS} rounds × ${LOADS} reloads, p50:`);
    console.log("| reload reads | PostgreSQL CPU ms | wall ms |");
    console.log("|---|---|---|");
    for (const name of Object.keys(variants)) console.log(`| ${name} | ${p50(postgres[name]).toFixed(0)} | ${p50(wall[name]).toFixed(0)} |`);
    const [windowed, baseline] = Object.keys(variants);
    console.log(`the same sample of ${sampleRows} ratings from both: ${samples.get(windowed) === samples.get(baseline) ? "yes" : "NO"}`);
    console.log(`PostgreSQL CPU ratio, window / every signal: ${(p50(postgres[windowed]) / p50(postgres[baseline])).toFixed(3)}`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
