/**
 * The population prior's cost per turn (router-core/population-prior.ts): the turn's query dotted with every
 * row of everyone's rating sample (POPULATION_SAMPLE_SIZE rows of 512 int8 values), then the prior from the
 * dots. The baseline is the JavaScript loop the router ran on its event loop until 2026-12-05 (`rowDots`);
 * against it, onnxruntime's MatMul (`SimilarityKernel`, what the router runs now), alternated turn by turn on
 * the same queries. Both feed the same `populationAdjustments`, whose largest difference is printed too.
 *
 *   npx tsx bench/routing/population-kernel.ts [--turns 400] [--rows 1000]
 */

import { buildEvidence, rowDots } from "../../router-core/online-preference";
import { POPULATION_PRIOR_DEFAULTS, POPULATION_SAMPLE_SIZE, populationAdjustments } from "../../router-core/population-prior";
import { SimilarityKernel } from "../../router-core/session";
import { numberArg } from "../load/options";
import { percentile } from "./encoder";

const TURNS = numberArg("turns", 400, 100_000, { integer: true });
const ROWS = numberArg("rows", POPULATION_SAMPLE_SIZE, 100_000, { integer: true });
const DIM = 512;
const MODELS = ["model-a", "model-b", "model-c"];

/** Seeded, so every run dots the same vectors. */
function vectors(count: number, seed: number): Float32Array[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 30 - 1;
  };
  return Array.from({ length: count }, () => Float32Array.from({ length: DIM }, next));
}

async function main() {
  const evidence = buildEvidence(
    vectors(ROWS, 1).map((_, i) => ({ modelId: MODELS[i % MODELS.length], rating: (i % 5) / 4 })),
    vectors(ROWS, 1),
    DIM,
    ROWS,
  );
  const queries = vectors(TURNS, 2);
  const kernel = await SimilarityKernel.create();
  const timed = { loop: [] as number[], kernel: [] as number[] };
  let largestDifference = 0;
  for (const [i, query] of queries.entries()) {
    // Alternate which goes first, so both see the same machine.
    const order = i % 2 === 0 ? (["loop", "kernel"] as const) : (["kernel", "loop"] as const);
    const prior: Record<string, number[]> = {};
    for (const way of order) {
      const started = performance.now();
      const dots = way === "loop" ? rowDots(evidence, query) : await kernel.rowDots(evidence.queries, DIM, query);
      prior[way] = populationAdjustments({ ...evidence, ratingCounts: new Map() }, query, MODELS, null, POPULATION_PRIOR_DEFAULTS, null, dots).total;
      timed[way].push(performance.now() - started);
    }
    for (const [j, x] of prior.loop.entries()) largestDifference = Math.max(largestDifference, Math.abs(x - prior.kernel[j]));
  }
  const p50 = (xs: number[]) => percentile(xs, 50);
  const p99 = (xs: number[]) => percentile(xs, 99);
  console.log(`population prior per turn, ${ROWS} rows x ${DIM}, ${TURNS} turns, ms p50 / p99`);
  console.log(`baseline, JavaScript loop (rowDots):   ${p50(timed.loop).toFixed(3)} / ${p99(timed.loop).toFixed(3)}`);
  console.log(`onnxruntime MatMul (SimilarityKernel): ${p50(timed.kernel).toFixed(3)} / ${p99(timed.kernel).toFixed(3)}`);
  console.log(`kernel / baseline p50: ${(p50(timed.kernel) / p50(timed.loop)).toFixed(3)}x`);
  console.log(`largest difference in the prior: ${largestDifference.toExponential(2)} logits`);
  await kernel.release();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
