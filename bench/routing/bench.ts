/**
 * Routing latency benchmark: per-stage and total p50/p99 for users with 0, 10, 100 and 1,000 rated
 * turns (in-memory store, query embeddings already persisted as the app does), with a warm and a
 * cold user-vector cache, against a baseline measured in the same run: the embedder alone on one
 * new text (the floor of any embedding-based router). First, the sentence encoder alone: USE-lite
 * in onnxruntime-node, float32 and int8, against the tfjs model it was converted from (./encoder.ts).
 * The routing part uses the int8 build, as the app does by default.
 *
 * Usage: npx tsx bench/routing/bench.ts [--model-dir DIR] [--iterations 200] [--encoder-rounds 3]
 *        [--json out.json] [--overlap]
 * --overlap runs the embed and user stages concurrently (the router default; stage timings then
 * overlap). --encoder-rounds 0 skips the encoder comparison.
 * Default model: router-core/models/default if present, else test/fixtures/tiny-model.
 */
import { existsSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { CachedEmbedder } from "../../router-core/embedder/cached-embedder";
import { UseLiteOnnxEmbedder } from "../../router-core/embedder/use-lite-onnx";
import { InMemoryHistoryStore } from "../../router-core/memory-history-store";
import { OnnxRouter } from "../../router-core/onnx-router";
import type { RouteDecision } from "../../router-core/router";
import { benchQueries, compareEncoders, type EncoderComparison, formatEncoderComparison, percentile as pct } from "./encoder";

const { values } = parseArgs({
  options: {
    "model-dir": { type: "string" },
    iterations: { type: "string", default: "200" },
    json: { type: "string" },
    "encoder-rounds": { type: "string", default: "3" },
    overlap: { type: "boolean", default: false },
  },
});
const modelDir = values["model-dir"] ?? (existsSync("router-core/models/default/manifest.json") ? "router-core/models/default" : "test/fixtures/tiny-model");
const N = Number(values.iterations);
const SIZES = [0, 10, 100, 1000];

/** Deterministic pseudo-random unit vectors standing in for persisted query embeddings. */
function unitVector(seed: number, dim: number): Float32Array {
  let x = seed * 2654435761 + 1;
  const v = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    v[i] = x / 1073741824 - 1;
    norm += v[i] * v[i];
  }
  return v.map((a) => a / Math.sqrt(norm));
}

type Row = { scenario: string; n: number; stats: Record<string, { p50: number; p99: number }> };

async function main() {
  const use = await UseLiteOnnxEmbedder.create({ precision: "int8" });
  const rounds = Number(values["encoder-rounds"]);
  const reference = rounds > 0 ? await UseLiteOnnxEmbedder.create({ precision: "float32" }) : null;
  const encoders: EncoderComparison | null = reference
    ? await compareEncoders(
        [
          { name: "onnxruntime-node float32", embedder: reference },
          { name: "onnxruntime-node int8", embedder: use },
        ],
        benchQueries(),
        rounds,
      )
    : null;
  await reference?.close();
  const embedder = new CachedEmbedder(use);
  const store = new InMemoryHistoryStore();
  // default: sequential stages so per-stage timings don't overlap
  const router = await OnnxRouter.create({ modelDir, embedder, historyStore: store, device: "cpu", historyLimit: 1000, overlapStages: values.overlap });
  const ids = router.catalog.map((c) => c.id);
  for (const size of SIZES) {
    for (let i = 0; i < size; i++) {
      store.add(`user-${size}`, {
        chatSessionId: `s${Math.floor(i / 5)}`,
        turnIndex: i % 5,
        queryText: `stored query ${i}`,
        modelId: ids[i % ids.length],
        rating: (i % 5) / 4,
        queryEmbedding: unitVector(i + size * 7919, use.dim),
        embeddingKey: router.embeddingKey,
      });
    }
  }

  // baseline: the embedder alone on a new (uncached) text
  const baseline: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await use.embed([`baseline question number ${i} about databases and indexing`]);
    baseline.push(performance.now() - t);
  }

  const rows: Row[] = [];
  let k = 0;
  for (const size of SIZES) {
    for (const cache of ["warm", "cold"] as const) {
      const userId = `user-${size}`;
      const decisions: RouteDecision[] = [];
      await router.route({ userId, message: "prime the cache", candidates: router.catalog });
      const iterations = cache === "cold" && size === 1000 ? Math.min(N, 100) : N;
      for (let i = 0; i < iterations; i++) {
        if (cache === "cold") router.invalidateUser(userId);
        decisions.push(await router.route({ userId, message: `new question ${k++} about query planning in Postgres`, candidates: router.catalog }));
      }
      if (decisions.some((d) => d.userCache !== (cache === "warm" ? "hit" : "miss"))) throw new Error(`cache state not ${cache}`);
      if (decisions[0].coldStart.ratingsUsed !== size) throw new Error(`expected ${size} ratings used, got ${decisions[0].coldStart.ratingsUsed}`);
      const series = {
        embed: decisions.map((d) => d.timings.embedMs),
        historyLoad: decisions.map((d) => d.timings.historyLoadMs),
        userEncode: decisions.map((d) => d.timings.userEncodeMs),
        score: decisions.map((d) => d.timings.scoreMs),
        onnx: decisions.map((d) => d.timings.userEncodeMs + d.timings.scoreMs),
        overhead: decisions.map((d) => d.timings.totalMs - d.timings.embedMs),
        total: decisions.map((d) => d.timings.totalMs),
      };
      rows.push({
        scenario: `${size} rated, ${cache}`,
        n: iterations,
        stats: Object.fromEntries(Object.entries(series).map(([name, xs]) => [name, { p50: pct(xs, 50), p99: pct(xs, 99) }])),
      });
    }
  }

  // invalidate + warmUser: the cold encode moved off the request path (run after a rating, not awaited by a turn)
  const refresh: { size: number; p50: number; p99: number }[] = [];
  for (const size of SIZES) {
    const xs: number[] = [];
    for (let i = 0; i < Math.min(N, 100); i++) {
      router.invalidateUser(`user-${size}`);
      const t = performance.now();
      await router.warmUser(`user-${size}`);
      xs.push(performance.now() - t);
    }
    refresh.push({ size, p50: pct(xs, 50), p99: pct(xs, 99) });
  }

  const b50 = pct(baseline, 50);
  const b99 = pct(baseline, 99);
  const f = (x: number) => x.toFixed(2).padStart(7);
  const cols = ["embed", "historyLoad", "userEncode", "score", "onnx", "overhead", "total"];
  console.log(`model ${router.version} (${modelDir}), provider ${router.executionProvider}, ${cpus().length} CPUs, node ${process.version}, ${N} iterations`);
  console.log(
    `embedder ${use.id} (onnxruntime-node, ${use.precision}), stages ${values.overlap ? "overlapped" : "sequential"}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  if (encoders) console.log(["", ...formatEncoderComparison(encoders), ""].join("\n"));
  console.log(`baseline (USE-lite embed of one new text): p50 ${b50.toFixed(2)} ms, p99 ${b99.toFixed(2)} ms`);
  console.log("overhead = total - embed (what routing adds to the embedder); onnx = userEncode + score; ms, p50 / p99\n");
  console.log(["scenario".padEnd(18), ...cols.map((c) => c.padStart(17)), "  total/baseline p50"].join(""));
  for (const r of rows) {
    const cells = cols.map((c) => `${f(r.stats[c].p50)} /${f(r.stats[c].p99)}`.padStart(17));
    console.log([r.scenario.padEnd(18), ...cells, `  ${(r.stats.total.p50 / b50).toFixed(2)}x`.padStart(21)].join(""));
  }
  console.log("\nwarmUser after invalidateUser (background re-encode after a rating; the next turn is warm), ms p50 / p99:");
  for (const r of refresh) console.log(`  ${String(r.size).padStart(5)} rated: ${f(r.p50)} /${f(r.p99)}`);
  const target = rows.filter((r) => r.scenario.startsWith("1000"));
  console.log("\ntargets at 1,000 rated turns (overhead p50 <= 10 ms, p99 <= 25 ms, ONNX p50 <= 2 ms on a warm cache):");
  for (const r of target) {
    console.log(
      `  ${r.scenario}: overhead p50 ${r.stats.overhead.p50.toFixed(2)} p99 ${r.stats.overhead.p99.toFixed(2)}, onnx p50 ${r.stats.onnx.p50.toFixed(2)}`,
    );
  }
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify({ modelDir, routerVersion: router.version, cpus: cpus().length, encoders, baseline: { p50: b50, p99: b99 }, rows, refresh }, null, 1),
    );
  await router.close();
  await use.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
