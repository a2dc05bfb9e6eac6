/**
 * Day one on a catalog the router never saw: how fast everyone's ratings teach it the deployment's models.
 *
 * For each seed, bench/day-one/population.py draws a population of persona users with a shared taste, who
 * rate the answers of six renamed MT-Bench models (one neutral description: only ratings tell them apart).
 * After the population has given N ratings, a brand-new user (k = 0, no history) asks every held-out
 * question; the shipped router serves it with the population prior (router-core/population-prior.ts) over
 * those N ratings. Printed per N, mean over seeds ± the half-width of its 95 % confidence interval:
 *   - accuracy: share of questions routed to the population oracle's model (the highest mean expected rating);
 *   - gain above random, as a share of the oracle's: (accuracy − 1/M) / (1 − 1/M);
 *   - utility: the routed model's mean expected rating above a random model's, as a share of the oracle's.
 * Then returning users of the same population, who reveal ten star ratings of their own, are routed with the
 * population prior after `--returning-at` ratings, fading with their own ratings by each `--user-kappa`, without
 * fading, and without the prior; they are scored against their own best model.
 * The same run's baseline is N = 0: the trained router alone. Two references tell how much of the gap is the
 * question's representation and how much the ratings' noise: a router told each question's MT-Bench category
 * (which the population's taste follows), from the same ratings the prior reads, and from unlimited ratings.
 *
 * Usage: npx tsx bench/day-one/run.ts [--seeds 0,1,…,19 (default: 20 seeds)] [--ratings 0,100,500,1000,2000] [--beta B --kappa K --power P]
 *        [--sample 500] [--returning-at 1000] [--user-kappa 0.25,1,4] [--events-per-user 12] [--json out.json]
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
  categoryTaste: z.record(z.string(), z.array(z.number())),
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
    seeds: { type: "string", default: Array.from({ length: 20 }, (_, i) => i).join(",") },
    ratings: { type: "string", default: "0,100,500,1000,2000" },
    beta: { type: "string" },
    kappa: { type: "string" },
    power: { type: "string" },
    sample: { type: "string", default: String(POPULATION_SAMPLE_SIZE) },
    "returning-at": { type: "string", default: "1000" },
    "user-kappa": { type: "string", default: "0.25,1,4" },
    "events-per-user": { type: "string", default: "12" },
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
const eventsPerUser = numberList("events-per-user", values["events-per-user"])[0];
const userKappas = values["user-kappa"].split(",").map((x) => positive("user-kappa", x, 1));

function population(seed: number): Population {
  const out = execFileSync("/usr/bin/python3", ["bench/day-one/population.py", "--seed", String(seed), "--events-per-user", String(eventsPerUser)], {
    maxBuffer: 64 << 20,
    encoding: "utf8",
  });
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
  /** Gain above random (share of the oracle's) of a router told each question's category, from the same ratings. */
  categoryGain?: number;
};

/**
 * A router told each held-out question's MT-Bench category (the population's taste follows categories), scored
 * like the prior: it routes to the model with the highest score for the category. With `categoryTaste` it reads
 * unlimited ratings of the rated questions; with `categoryMeans` the same ratings the prior reads.
 */
function categoryRouterScores(pop: Population, byCategory: Readonly<Record<string, readonly number[]>>): { hit: number; utility: number }[] {
  return pop.test.map((t) => {
    const s = byCategory[pop.cells[t.cell].category];
    return score(t.expected, s.indexOf(Math.max(...s)));
  });
}

/** Mean rating above ½ per category and model over these ratings, shrunk by one pseudo-rating of ½. */
function categoryMeans(pop: Population, known: Population["events"]): Record<string, number[]> {
  const sums: Record<string, { s: number[]; n: number[] }> = {};
  for (const c of pop.cells) sums[c.category] ??= { s: pop.models.map(() => 0), n: pop.models.map(() => 0) };
  for (const e of known) {
    const at = sums[pop.cells[e.cell].category];
    at.s[e.model] += e.rating - 0.5;
    at.n[e.model] += 1;
  }
  return Object.fromEntries(Object.entries(sums).map(([k, { s, n }]) => [k, s.map((x, m) => x / (n[m] + 1))]));
}

/** The ratings the deployment's prior reads after its first `n`: the newest `sampleSize`, as the app's loader keeps them. */
function ratingsRead(pop: Population, n: number): Population["events"] {
  return pop.events.slice(Math.max(0, n - sampleSize), n);
}

/** What the deployment knows after its first `n` ratings. */
function populationAfter(pop: Population, n: number, cellEmbeddings: readonly Float32Array[], dim: number): PopulationEvidence {
  const counts = new Map<string, number>();
  for (const e of pop.events.slice(0, n)) counts.set(pop.models[e.model].id, (counts.get(pop.models[e.model].id) ?? 0) + 1);
  const read = ratingsRead(pop, n);
  return {
    ...buildEvidence(
      read.map((e) => ({ modelId: pop.models[e.model].id, rating: e.rating })),
      read.map((e) => cellEmbeddings[e.cell]),
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
  newUsers.push(point(seed, -1, categoryRouterScores(pop, pop.categoryTaste), M));
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
    const told = point(seed, n, categoryRouterScores(pop, categoryMeans(pop, ratingsRead(pop, n))), M);
    newUsers.push({ ...point(seed, n, scores, M), firstTurn: byTurn(1), followUp: byTurn(2), categoryGain: told.gain });
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

/** Student's t 0.975 quantile for `df` degrees of freedom (Cornish–Fisher expansion; within 0.01 from df = 4). */
function t975(df: number): number {
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** Mean over seeds ± the half-width of its 95 % confidence interval (seeds are the independent unit). */
function summary(points: Point[], key: "accuracy" | "gain" | "utility" | "firstTurn" | "followUp" | "categoryGain" | "gapToCategory"): string {
  const xs = points.map((p) => (key === "gapToCategory" ? p.gain - (p.categoryGain ?? Number.NaN) : (p[key] ?? Number.NaN)));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return mean.toFixed(3);
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
  return `${mean.toFixed(3)} ± ${((t975(xs.length - 1) * sd) / Math.sqrt(xs.length)).toFixed(3)}`;
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
    `population prior beta=${prior.beta} kappa=${prior.kappa} power=${prior.power}, newest ${sampleSize} ratings; seeds ${seeds.join(",")}; mean over seeds ± 95 % confidence interval`,
  );
  console.log("\nA brand-new user (no ratings of their own), after the population's first N ratings:\n");
  console.log(
    "| population ratings N | accuracy vs population oracle | gain above random (share of oracle's) | utility above random (share of oracle's) | accuracy: first turns / follow-ups | gain of a router told the category, same ratings | gain minus the told router's (paired by seed) |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const n of ratingCounts) {
    const at = points.filter((p) => p.ratings === n);
    console.log(
      `| ${n} | ${summary(at, "accuracy")} | ${summary(at, "gain")} | ${summary(at, "utility")} | ${summary(at, "firstTurn")} / ${summary(at, "followUp")} | ${summary(at, "categoryGain")} | ${summary(at, "gapToCategory")} |`,
    );
  }
  const reference = points.filter((p) => p.ratings === -1);
  console.log(
    `| reference: told the category, unlimited ratings (the population's true taste on the rated questions) | ${summary(reference, "accuracy")} | ${summary(reference, "gain")} | ${summary(reference, "utility")} | | | |`,
  );
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
