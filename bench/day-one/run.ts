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
 * Then returning users of the same population, who reveal ten star ratings of their own, are routed with the
 * population prior after `--returning-at` ratings, fading with their own ratings by each `--user-kappa`, without
 * fading, and without the prior; they are scored against their own best model.
 * The same run's baseline is N = 0: the trained router alone. The last row is a reference no question-only
 * router can beat by much: the best model per MT-Bench category under the population's true taste.
 *
 * Usage: npx tsx bench/day-one/run.ts [--seeds 0,1,2] [--ratings 0,100,500,1000,2000] [--beta B --kappa K --power P]
 *        [--sample 500] [--returning-at 1000] [--user-kappa 0.25,1,4] [--json out.json]
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
import { POPULATION_PRIOR_DEFAULTS, POPULATION_SAMPLE_SIZE, type PopulationEvidence } from "../../router-core/population-prior";

const populationSchema = z.object({
  seed: z.number(),
  taste: z.object({ families: z.array(z.string()), weight: z.number() }),
  models: z.array(z.object({ id: z.string(), description: z.string() })),
  cells: z.array(z.object({ query: z.string(), category: z.string(), turn: z.number() })),
  events: z.array(z.object({ user: z.number(), cell: z.number(), model: z.number(), rating: z.number() })),
  test: z.array(z.object({ cell: z.number(), expected: z.array(z.number()) })),
  probes: z.array(
    z.object({
      history: z.array(z.object({ cell: z.number(), model: z.number(), rating: z.number() })),
      expected: z.array(z.array(z.number())),
    }),
  ),
});
type Population = z.infer<typeof populationSchema>;

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "0,1,2" },
    ratings: { type: "string", default: "0,100,500,1000,2000" },
    beta: { type: "string" },
    kappa: { type: "string" },
    power: { type: "string" },
    sample: { type: "string", default: String(POPULATION_SAMPLE_SIZE) },
    "returning-at": { type: "string", default: "1000" },
    "user-kappa": { type: "string", default: "0.25,1,4" },
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

const returningAt = numberList("returning-at", values["returning-at"])[0];
/** The newest ratings the prior reads, as the app's population loader keeps them. */
const sampleSize = numberList("sample", values.sample)[0];
const userKappas = values["user-kappa"].split(",").map((x) => positive("user-kappa", x, 1));

function population(seed: number): Population {
  const out = execFileSync("/usr/bin/python3", ["bench/day-one/population.py", "--seed", String(seed)], { maxBuffer: 64 << 20, encoding: "utf8" });
  return populationSchema.parse(JSON.parse(out));
}

type Point = {
  seed: number;
  ratings: number;
  accuracy: number;
  gain: number;
  utility: number;
  /** Accuracy on the questions' first turns and on their follow-ups (routed on the follow-up's text alone). */
  firstTurn?: number;
  followUp?: number;
};

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

/** What the deployment knows after its first `n` ratings. */
function populationAfter(pop: Population, n: number, cellEmbeddings: readonly Float32Array[], dim: number): PopulationEvidence {
  const known = pop.events.slice(0, n);
  const counts = new Map<string, number>();
  for (const e of known) counts.set(pop.models[e.model].id, (counts.get(pop.models[e.model].id) ?? 0) + 1);
  return {
    ...buildEvidence(
      known.map((e) => ({ modelId: pop.models[e.model].id, rating: e.rating })),
      known.map((e) => cellEmbeddings[e.cell]),
      dim,
      sampleSize,
    ),
    ratingCounts: counts,
  };
}

/** Whether model m is the best for these expected ratings, and its utility above a random model's as a share of the best's. */
function score(expected: readonly number[], m: number): { hit: number; utility: number } {
  const best = Math.max(...expected);
  const mean = expected.reduce((a, b) => a + b, 0) / expected.length;
  return { hit: expected[m] === best ? 1 : 0, utility: best > mean ? (expected[m] - mean) / (best - mean) : 1 };
}

function point(seed: number, ratings: number, scores: readonly { hit: number; utility: number }[], M: number): Point {
  const accuracy = scores.reduce((a, x) => a + x.hit, 0) / scores.length;
  return { seed, ratings, accuracy, gain: (accuracy - 1 / M) / (1 - 1 / M), utility: scores.reduce((a, x) => a + x.utility, 0) / scores.length };
}

async function runSeed(seed: number, embedder: CachedEmbedder): Promise<{ newUsers: Point[]; returning: Map<string, Point> }> {
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
  const newUsers: Point[] = [];
  const reference = categoryOracleAccuracy(pop);
  newUsers.push({ seed, ratings: -1, accuracy: reference, gain: (reference - 1 / M) / (1 - 1 / M), utility: Number.NaN });
  for (const n of ratingCounts) {
    evidence = populationAfter(pop, n, cellEmbeddings, embedder.dim);
    const scores: { hit: number; utility: number }[] = [];
    for (const t of pop.test) {
      const d = await router.route({ userId: `new-user-${seed}-${n}`, message: pop.cells[t.cell].query, candidates, personalization: false });
      scores.push(
        score(
          t.expected,
          candidates.findIndex((c) => c.id === d.modelId),
        ),
      );
    }
    const byTurn = (turn: number) => {
      const own = scores.filter((_, i) => pop.cells[pop.test[i].cell].turn === turn);
      return own.reduce((a, x) => a + x.hit, 0) / own.length;
    };
    newUsers.push({ ...point(seed, n, scores, M), firstTurn: byTurn(1), followUp: byTurn(2) });
    console.error(`seed ${seed} (taste ${pop.taste.families.join("+")}) N=${n}: accuracy ${newUsers.at(-1)!.accuracy.toFixed(3)}`);
  }
  await router.close();

  // Returning users after `returningAt` population ratings: how much the population's say should fade for a
  // user with ratings of their own (userKappa), against no population prior at all.
  const returning = new Map<string, Point>();
  const fixed = populationAfter(pop, returningAt, cellEmbeddings, embedder.dim);
  const variants: [string, typeof prior][] = [
    ["population prior off", { ...prior, beta: 0 }],
    ...userKappas.map((k): [string, typeof prior] => [`userKappa ${k}`, { ...prior, userKappa: k }]),
    ["no fading", { ...prior, userKappa: 1e12 }],
  ];
  for (const [name, options] of variants) {
    const store = new InMemoryHistoryStore();
    for (const [u, probe] of pop.probes.entries()) {
      for (const [i, e] of probe.history.entries()) {
        store.add(`probe-${u}`, {
          chatSessionId: `probe-${u}-${i}`,
          turnIndex: 0,
          queryText: pop.cells[e.cell].query,
          modelId: pop.models[e.model].id,
          rating: e.rating,
        });
      }
    }
    const personal = await OnnxRouter.create({
      modelDir: "router-core/models/default",
      embedder,
      historyStore: store,
      device: "cpu",
      population: { current: () => fixed },
      populationPrior: options,
    });
    const scores = [];
    for (const [u, probe] of pop.probes.entries()) {
      for (const [j, t] of pop.test.entries()) {
        const d = await personal.route({ userId: `probe-${u}`, message: pop.cells[t.cell].query, candidates });
        scores.push(
          score(
            probe.expected[j],
            candidates.findIndex((c) => c.id === d.modelId),
          ),
        );
      }
    }
    returning.set(name, point(seed, returningAt, scores, M));
    await personal.close();
  }
  return { newUsers, returning };
}

function summary(points: Point[], key: "accuracy" | "gain" | "utility" | "firstTurn" | "followUp"): string {
  const xs = points.map((p) => p[key] ?? Number.NaN);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return `${mean.toFixed(3)} [${Math.min(...xs).toFixed(3)}, ${Math.max(...xs).toFixed(3)}]`;
}

async function main() {
  const embedder = new CachedEmbedder(await UseLiteOnnxEmbedder.create());
  const points: Point[] = [];
  const returning = new Map<string, Point[]>();
  for (const seed of seeds) {
    const result = await runSeed(seed, embedder);
    points.push(...result.newUsers);
    for (const [name, p] of result.returning) returning.set(name, [...(returning.get(name) ?? []), p]);
  }
  console.log(
    `population prior beta=${prior.beta} kappa=${prior.kappa} power=${prior.power}, newest ${sampleSize} ratings; seeds ${seeds.join(",")}; mean [min, max] over seeds`,
  );
  console.log("\nA brand-new user (no ratings of their own), after the population's first N ratings:\n");
  console.log(
    "| population ratings N | accuracy vs population oracle | gain above random (share of oracle's) | utility above random (share of oracle's) | accuracy: first turns / follow-ups |",
  );
  console.log("|---|---|---|---|---|");
  for (const n of ratingCounts) {
    const at = points.filter((p) => p.ratings === n);
    console.log(
      `| ${n} | ${summary(at, "accuracy")} | ${summary(at, "gain")} | ${summary(at, "utility")} | ${summary(at, "firstTurn")} / ${summary(at, "followUp")} |`,
    );
  }
  const reference = points.filter((p) => p.ratings === -1);
  console.log(`| reference: best model per MT-Bench category, true taste | ${summary(reference, "accuracy")} | ${summary(reference, "gain")} | | |`);
  console.log(`\nReturning users (ten star ratings of their own), after ${returningAt} population ratings, against their own best model:\n`);
  console.log("| population prior | accuracy | gain above random | utility above random |");
  console.log("|---|---|---|---|");
  for (const [name, at] of returning) console.log(`| ${name} | ${summary(at, "accuracy")} | ${summary(at, "gain")} | ${summary(at, "utility")} |`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ prior, seeds, points, returning: Object.fromEntries(returning) }, null, 2));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
