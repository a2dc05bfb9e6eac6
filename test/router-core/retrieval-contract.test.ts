/**
 * The retrieval query mode against the cross-language fixture test/fixtures/retrieval-query-text.json,
 * which test/training/test_query_text.py checks the trainer against: both sides must turn the same
 * conversation into the same query text. Also: the manifest's retrievalTopK is what serving uses.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Embedder } from "@/router-core/embedder/embedder";
import { UseLiteOnnxEmbedder } from "@/router-core/embedder/use-lite-onnx";
import { ModelLoadError } from "@/router-core/errors";
import { buildQueryText, selectRetrievalTurns } from "@/router-core/features";
import { InMemoryHistoryStore } from "@/router-core/memory-history-store";
import { OnnxRouter } from "@/router-core/onnx-router";
import type { Candidate } from "@/router-core/router";
import { copyModel, HashEmbedder, hasModel, REPO, TINY_MODEL, TOY_MODEL } from "./helpers";

interface Conversation {
  name: string;
  k: number;
  current: string;
  earlier: string[];
  expectedRetrieved: number[];
  expectedText: string;
}
interface VectorCase extends Conversation {
  currentVector: number[];
  earlierVectors: number[][];
}
const fixture = JSON.parse(readFileSync(join(REPO, "test/fixtures/retrieval-query-text.json"), "utf8")) as {
  embedderId: string;
  vectorCases: VectorCase[];
  embedderCases: Conversation[];
};

const TOY_ID = "test-hash-16";
const TOY_DIM = 16;

/** The fixture's vectors (zero-padded to the toy model's width, which leaves cosines unchanged); other texts hashed. */
class FixtureEmbedder implements Embedder {
  readonly id = TOY_ID;
  readonly dim = TOY_DIM;
  readonly #vectors = new Map<string, number[]>();
  readonly #fallback = new HashEmbedder(TOY_ID, TOY_DIM);
  constructor(c: VectorCase) {
    this.#vectors.set(c.current, c.currentVector);
    for (const [i, text] of c.earlier.entries()) this.#vectors.set(text, c.earlierVectors[i]);
  }
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return Promise.all(
      texts.map(async (t) => {
        const v = this.#vectors.get(t);
        if (!v) return (await this.#fallback.embed([t]))[0];
        const out = new Float32Array(TOY_DIM);
        out.set(v);
        return out;
      }),
    );
  }
}

const candidates = [
  { id: "model-a", description: "toy model a" },
  { id: "model-b", description: "toy model b" },
];

async function servedQueryText(router: OnnxRouter, c: Conversation, cands: readonly Candidate[] = candidates): Promise<string> {
  const d = await router.route({ userId: "u", message: c.current, earlierUserMessages: c.earlier, candidates: cands, personalization: false });
  return d.queryText;
}

describe("retrieval query text: cross-language fixture", () => {
  it.each(fixture.vectorCases.map((c) => [c.name, c] as const))("features.ts: %s", (_name, c) => {
    const retrieved = selectRetrievalTurns(
      Float32Array.from(c.currentVector),
      c.earlierVectors.map((v) => Float32Array.from(v)),
      c.k,
    );
    expect(retrieved).toEqual(c.expectedRetrieved);
    expect(buildQueryText({ mode: "retrieval", current: c.current, earlier: c.earlier, retrieved })).toBe(c.expectedText);
  });

  it.each(fixture.vectorCases.map((c) => [c.name, c] as const))("OnnxRouter.route: %s", async (_name, c) => {
    const router = await OnnxRouter.create({
      modelDir: TOY_MODEL,
      embedder: new FixtureEmbedder(c),
      historyStore: new InMemoryHistoryStore(),
      device: "cpu",
      queryMode: "retrieval",
      retrievalTopK: c.k,
    });
    try {
      expect(await servedQueryText(router, c)).toBe(c.expectedText);
    } finally {
      await router.close();
    }
  });

  it.skipIf(!hasModel(TINY_MODEL))(
    "OnnxRouter.route with the serving embedder (USE-lite)",
    async () => {
      const embedder = await UseLiteOnnxEmbedder.create();
      expect(embedder.id).toBe(fixture.embedderId);
      for (const c of fixture.embedderCases) {
        const router = await OnnxRouter.create({
          modelDir: TINY_MODEL,
          embedder,
          historyStore: new InMemoryHistoryStore(),
          device: "cpu",
          queryMode: "retrieval",
          retrievalTopK: c.k,
        });
        try {
          expect(await servedQueryText(router, c, router.catalog), c.name).toBe(c.expectedText);
        } finally {
          await router.close();
        }
      }
    },
    120_000,
  );
});

describe("manifest.retrievalTopK", () => {
  const c = fixture.vectorCases.find((v) => v.name === "k = 3 of 5")!;
  const retrievalModel = (k: unknown) =>
    copyModel(TOY_MODEL, (m) => {
      m.queryMode = "retrieval";
      m.retrievalTopK = k;
    });
  const texts = (k: number) =>
    buildQueryText({
      mode: "retrieval",
      current: c.current,
      earlier: c.earlier,
      retrieved: selectRetrievalTurns(
        Float32Array.from(c.currentVector),
        c.earlierVectors.map((v) => Float32Array.from(v)),
        k,
      ),
    });

  it("is the k served when no option overrides it, and an override is logged", async () => {
    const warnings: string[] = [];
    const logger = { info: () => {}, warn: (m: string) => void warnings.push(m) };
    const dir = retrievalModel(1);
    const trained = await OnnxRouter.create({
      modelDir: dir,
      embedder: new FixtureEmbedder(c),
      historyStore: new InMemoryHistoryStore(),
      device: "cpu",
      logger,
    });
    const overridden = await OnnxRouter.create({
      modelDir: dir,
      embedder: new FixtureEmbedder(c),
      historyStore: new InMemoryHistoryStore(),
      device: "cpu",
      logger,
      retrievalTopK: 3,
    });
    try {
      expect(await servedQueryText(trained, c)).toBe(texts(1));
      expect(await servedQueryText(overridden, c)).toBe(texts(3));
      expect(warnings).toEqual(["router-core: retrievalTopK overridden"]);
    } finally {
      await Promise.all([trained.close(), overridden.close()]);
    }
  });

  it("must be a positive integer", async () => {
    const create = OnnxRouter.create({
      modelDir: retrievalModel(0),
      embedder: new FixtureEmbedder(c),
      historyStore: new InMemoryHistoryStore(),
      device: "cpu",
    });
    await expect(create).rejects.toSatisfy((e: unknown) => ModelLoadError.isInstance(e) && e.reason === "contract-mismatch" && /retrievalTopK/.test(e.message));
  });
});
