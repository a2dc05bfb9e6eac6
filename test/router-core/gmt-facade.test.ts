/** The GMTRouter/LLMRouter-compatible facade over a real ONNX router. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UseLiteOnnxEmbedder } from "@/router-core/embedder/use-lite-onnx";
import { InvalidInputError } from "@/router-core/errors";
import { GmtRouterFacade } from "@/router-core/gmt-facade";
import { InMemoryHistoryStore } from "@/router-core/memory-history-store";
import { OnnxRouter } from "@/router-core/onnx-router";
import { RouterRegistry } from "@/router-core/registry";
import { HashEmbedder, hasModel, TINY_MODEL, TOY_MODEL } from "./helpers";

describe("GmtRouterFacade", () => {
  let store: InMemoryHistoryStore;
  let router: OnnxRouter;
  let facade: GmtRouterFacade;
  beforeAll(async () => {
    store = new InMemoryHistoryStore();
    router = await OnnxRouter.create({ modelDir: TOY_MODEL, embedder: new HashEmbedder("test-hash-16", 16), historyStore: store, device: "cpu" });
    facade = new GmtRouterFacade({ router, store, candidates: router.catalog });
  });
  afterAll(() => router.close());

  it("routeSingle returns model_name, confidence, user_preference, reasoning and scores", async () => {
    const r = await facade.routeSingle({ query_text: "What is 2+2?", user_id: "alice" });
    const ids = router.catalog.map((c) => c.id);
    expect(ids).toContain(r.model_name);
    expect(Object.keys(r.scores).sort()).toEqual([...ids].sort());
    expect(r.scores[r.model_name]).toBe(Math.max(...Object.values(r.scores)));
    expect(r.confidence).toBeCloseTo(r.user_preference.probabilities[r.model_name], 12);
    expect(r.user_preference).toMatchObject({ ratings_used: 0, cold_start: true, personalization: true });
    expect(r.reasoning).toContain(r.model_name);
    expect(r.router_version).toBe("toy-1");
  });

  it("updateUserFeedback becomes a rated interaction and invalidates the cached vector", async () => {
    const before = await facade.routeSingle({ query_text: "Prove it", user_id: "bob" });
    const loser = Object.entries(before.scores).sort((a, b) => a[1] - b[1])[0][0];
    for (let i = 0; i < 6; i++) await facade.updateUserFeedback({ user_id: "bob", query: `Prove it ${i}`, model: loser, rating: 5 });
    const history = await store.getRatedHistory({ userId: "bob", limit: 100, embeddingKey: "x" });
    expect(history).toHaveLength(6);
    expect(history.every((h) => h.rating === 1 && h.modelId === loser)).toBe(true);
    const after = await facade.routeSingle({ query_text: "Prove it", user_id: "bob" });
    expect(after.user_preference.ratings_used).toBe(6);
    expect(after.user_preference.cold_start).toBe(false);
    expect(after.scores[loser]).toBeGreaterThan(before.scores[loser]);
    expect(after.model_name).toBe(loser);
  });

  it("maps 0..5 feedback to r = rating/5 and rejects values outside 0..5", async () => {
    await facade.updateUserFeedback({ user_id: "carol", query: "q", model: "model-a", rating: 2 });
    const [h] = await store.getRatedHistory({ userId: "carol", limit: 1, embeddingKey: "x" });
    expect(h.rating).toBeCloseTo(0.4, 12);
    await expect(facade.updateUserFeedback({ user_id: "carol", query: "q", model: "model-a", rating: 7 })).rejects.toSatisfy(InvalidInputError.isInstance);
  });

  it("personalization off routes with the cold-start vector", async () => {
    const off = new GmtRouterFacade({ router, store, candidates: router.catalog, personalization: false });
    const bob = await off.routeSingle({ query_text: "Prove it", user_id: "bob" });
    const nobody = await facade.routeSingle({ query_text: "Prove it", user_id: "nobody" });
    expect(bob.user_preference).toMatchObject({ ratings_used: 0, cold_start: true, personalization: false });
    expect(bob.scores).toEqual(nobody.scores);
    off.personalization = true;
    expect((await off.routeSingle({ query_text: "Prove it", user_id: "bob" })).user_preference.ratings_used).toBe(6);
  });

  it("routeBatch answers each query in order; conversation_history feeds the query text", async () => {
    const results = await facade.routeBatch([
      { query_text: "a", user_id: "bob" },
      {
        query_text: "b",
        user_id: "alice",
        conversation_history: [
          { role: "user", content: "earlier" },
          { role: "assistant", content: "reply" },
        ],
      },
    ]);
    expect(results).toHaveLength(2);
    expect(results[0].user_preference.ratings_used).toBe(6);
    expect(results[1].user_preference.ratings_used).toBe(0);
  });

  it("works over a degraded registry with a fallback answer", async () => {
    const registry = new RouterRegistry({ fallbackModelId: "model-b" });
    const f = new GmtRouterFacade({ router: registry, store, candidates: router.catalog });
    const r = await f.routeSingle({ query_text: "x", user_id: "u" });
    expect(r).toMatchObject({ model_name: "model-b", fallback: true, confidence: 0 });
    expect(r.reasoning).toMatch(/fallback/);
  });
});

describe.skipIf(!hasModel(TINY_MODEL))("tiny training fixture with the real USE-lite embedder", () => {
  it("routes end to end and persists history embeddings", async () => {
    const store = new InMemoryHistoryStore();
    const embedder = await UseLiteOnnxEmbedder.create();
    const router = await OnnxRouter.create({ modelDir: TINY_MODEL, embedder, historyStore: store, device: "cpu" });
    try {
      const ids = router.catalog.map((c) => c.id);
      store.add("u", { chatSessionId: "s", turnIndex: 0, queryText: "Write a poem about the sea", modelId: ids[0], rating: 1 });
      store.add("u", { chatSessionId: "s", turnIndex: 1, queryText: "Now make it rhyme", modelId: ids[1], rating: 0 });
      const d = await router.route({
        userId: "u",
        message: "Make it shorter",
        earlierUserMessages: ["Write a poem about the sea", "Now make it rhyme"],
        candidates: router.catalog,
      });
      expect(ids).toContain(d.modelId);
      expect(d.coldStart.ratingsUsed).toBe(2);
      expect(d.queryEmbedding).toHaveLength(512);
      const stored = await store.getRatedHistory({ userId: "u", limit: 10, embeddingKey: router.embeddingKey });
      expect(stored.every((s) => s.queryEmbedding?.length === 512)).toBe(true);
    } finally {
      await router.close();
      await embedder.close();
    }
  });
});
