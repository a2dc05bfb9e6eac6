/**
 * Day one on a catalog the router never saw: how fast everyone's ratings teach it the deployment's models.
 *
 * For each seed, bench/day-one/population.py draws a population of persona users with a shared taste, who
 * rate the answers of six renamed MT-Bench models (one neutral description: only ratings tell them apart).
 * After the population has given N ratings, a brand-new user (k = 0, no history) asks every held-out
 * question; the shipped router serves it with the population prior (router-core/population-prior.ts) over
 * those N ratings. Printed per N, mean over seeds with the range:
 *   - accuracy: share of questions routed to the population oracle's model (the highest mean expected rating);
 *   - gain above random, as a share of the oracle's: (accuracy − 1/M) / (1 − 1/M);
 *   - utility: the routed model's mean expected rating above a random model's, as a share of the oracle's.
 * The same run's baseline is N = 0: the trained router alone. The last row is a reference no question-only
 * router can beat by much: the best model per MT-Bench category under the population's true taste.
 *
 * Usage: npx tsx bench/day-one/run.ts [--seeds 0,1,2] [--ratings 0,100,500,1000,2000] [--beta B --kappa K] [--json out.json]
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { CachedEmbedder } from "../../router-core/embedder/cached-embedder";
import { UseLiteOnnxEmbedder } from "../../router-core/embedder/use-lite-onnx";
import { InMemoryHistoryStore } from "../../router-core/memory-history-store";
import { buildEvidence } from "../../router-core/online-preference";
import { OnnxRouter } from "../../router-core/onnx-router";
import { POPULATION_PRIOR_DEFAULTS, type PopulationEvidence } from "../../router-core/population-prior";

const populationSchema = z.object({
  seed: z.number(),
  taste: z.object({ families: z.array(z.string()), weight: z.number() }),
  models: z.array(z.object({ id: z.string(), description: z.string() })),
  cells: z.array(z.object({ query: z.string(), category: z.string() })),
  events: z.array(z.object({ user: z.number(), cell: z.number(), model: z.number(), rating: z.number() })),
  test: z.array(z.object({ cell: z.number(), expected: z.array(z.number()) })),
});
type Population = z.infer<typeof populationSchema>;

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "0,1,2" },
    ratings: { type: "string", default: "0,100,500,1000,2000" },
    beta: { type: "string" },
    kappa: { type: "string" },
    power: { type: "string" },
    json: { type: "string" },
  },
});

function numberList(flag: string, text: string): number[] {
  const list = text.split(",").map(Number);
  if (list.length === 0 || !list.every((n) => Number.isInteger(n) && n >= 0))
    throw new Error(`--${flag} must be a comma-separated list of whole numbers, got ${text}`);
  return list;
}

function positive(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} must be a non-negative number, got ${text}`);
  return n;
}

const seeds = numberList("seeds", values.seeds);
const ratingCounts = numberList("ratings", values.ratings);
const prior = {
  ...POPULATION_PRIOR_DEFAULTS,
  beta: positive("beta", values.beta, POPULATION_PRIOR_DEFAULTS.beta),
  kappa: positive("kappa", values.kappa, POPULATION_PRIOR_DEFAULTS.kappa),
  power: positive("power", values.power, POPULATION_PRIOR_DEFAULTS.power),
};

function population(seed: number): Population {
  const out = execFileSync("/usr/bin/python3", ["bench/day-one/population.py", "--seed", String(seed)], { maxBuffer: 64 << 20, encoding: "utf8" });
  return populationSchema.parse(JSON.parse(out));
}

type Point = { seed: number; ratings: number; accuracy: number; gain: number; utility: number };

/**
 * The reference a question-only router can hope for: route each held-out question to the model with the highest
 * mean expected rating over the held-out questions of its MT-Bench category (it knows the category and the
 * population's true taste; the oracle also sees each answer).
 */
function categoryOracleAccuracy(pop: Population): number {
  let hits = 0;
  for (const t of pop.test) {
    const same = pop.test.filter((o) => pop.cells[o.cell].category === pop.cells[t.cell].category);
    const means = t.expected.map((_, m) => same.reduce((s, o) => s + o.expected[m], 0) / same.length);
    if (t.expected[means.indexOf(Math.max(...means))] === Math.max(...t.expected)) hits++;
  }
  return hits / pop.test.length;
}

async function runSeed(seed: number, embedder: CachedEmbedder): Promise<Point[]> {
  const pop = population(seed);
  const cellEmbeddings = await embedder.embed(pop.cells.map((c) => c.query));
  let evidence: PopulationEvidence | null = null;
  const router = await OnnxRouter.create({
    modelDir: "router-core/models/default",
    embedder,
    historyStore: new InMemoryHistoryStore(),
    device: "cpu",
    population: { current: () => evidence },
    populationPrior: prior,
  });
  const candidates = pop.models.map((m) => ({ id: m.id, description: m.description }));
  const M = candidates.length;
  const points: Point[] = [];
  const reference = categoryOracleAccuracy(pop);
  points.push({ seed, ratings: -1, accuracy: reference, gain: (reference - 1 / M) / (1 - 1 / M), utility: Number.NaN });
  for (const n of ratingCounts) {
    const known = pop.events.slice(0, n);
    const counts = new Map<string, number>();
    for (const e of known) counts.set(pop.models[e.model].id, (counts.get(pop.models[e.model].id) ?? 0) + 1);
    evidence = {
      ...buildEvidence(
        known.map((e) => ({ modelId: pop.models[e.model].id, rating: e.rating })),
        known.map((e) => cellEmbeddings[e.cell]),
        embedder.dim,
        Number.POSITIVE_INFINITY,
      ),
      ratingCounts: counts,
    };
    let hits = 0;
    let utility = 0;
    for (const t of pop.test) {
      const d = await router.route({ userId: `new-user-${seed}-${n}`, message: pop.cells[t.cell].query, candidates, personalization: false });
      const m = candidates.findIndex((c) => c.id === d.modelId);
      const best = Math.max(...t.expected);
      const mean = t.expected.reduce((a, b) => a + b, 0) / M;
      if (t.expected[m] === best) hits++;
      utility += best > mean ? (t.expected[m] - mean) / (best - mean) : 1;
    }
    const accuracy = hits / pop.test.length;
    points.push({ seed, ratings: n, accuracy, gain: (accuracy - 1 / M) / (1 - 1 / M), utility: utility / pop.test.length });
    console.error(`seed ${seed} (taste ${pop.taste.families.join("+")}) N=${n}: accuracy ${accuracy.toFixed(3)}`);
  }
  await router.close();
  return points;
}

function summary(points: Point[], key: "accuracy" | "gain" | "utility"): string {
  const xs = points.map((p) => p[key]);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `${mean.toFixed(3)} [${Math.min(...xs).toFixed(3)}, ${Math.max(...xs).toFixed(3)}]`;
}

async function main() {
  const embedder = new CachedEmbedder(await UseLiteOnnxEmbedder.create());
  const points: Point[] = [];
  for (const seed of seeds) points.push(...(await runSeed(seed, embedder)));
  console.log(`population prior beta=${prior.beta} kappa=${prior.kappa} power=${prior.power}; seeds ${seeds.join(",")}; mean [min, max] over seeds`);
  console.log("| population ratings N | accuracy vs population oracle | gain above random (share of oracle's) | utility above random (share of oracle's) |");
  console.log("|---|---|---|---|");
  for (const n of ratingCounts) {
    const at = points.filter((p) => p.ratings === n);
    console.log(`| ${n} | ${summary(at, "accuracy")} | ${summary(at, "gain")} | ${summary(at, "utility")} |`);
  }
  const reference = points.filter((p) => p.ratings === -1);
  console.log(`| reference: best model per MT-Bench category, true taste | ${summary(reference, "accuracy")} | ${summary(reference, "gain")} | |`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ prior, seeds, points }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
