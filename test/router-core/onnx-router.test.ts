/** OnnxRouter behaviour on the toy fixture: decisions, user-vector cache, query modes, hot-swap. */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONTRACT } from "@/router-core/contract";
import { InvalidInputError, NoEligibleModelError, RouterClosedError } from "@/router-core/errors";
import { InMemoryHistoryStore } from "@/router-core/memory-history-store";
import { OnnxRouter } from "@/router-core/onnx-router";
import { RouterRegistry } from "@/router-core/registry";
import type { RouteRequest } from "@/router-core/router";
import { copyModel, HashEmbedder, TOY_MODEL } from "./helpers";

const candidates = [
  { id: "model-a", description: "toy model a" },
  { id: "model-b", description: "toy model b" },
  { id: "model-c", description: "toy model c" },
];

describe("OnnxRouter", () => {
  let store: InMemoryHistoryStore;
  let embedder: HashEmbedder;
  let router: OnnxRouter;
  beforeAll(async () => {
    store = new InMemoryHistoryStore();
    embedder = new HashEmbedder("test-hash-16", 16);
    router = await OnnxRouter.create({ modelDir: TOY_MODEL, embedder, historyStore: store, device: "cpu", historyLimit: 50 });
  });
  afterAll(() => router.close());

  it("returns a complete readonly decision derived from the scores", async () => {
    const d = await router.route({ userId: "fresh", message: "How do I sort a list?", candidates });
    const best = [...d.candidates].sort((a, b) => b.score - a.score)[0];
    expect(d.modelId).toBe(best.id);
    expect(d.confidence).toBeCloseTo(best.probability, 12);
    expect(d.candidates.reduce((s, c) => s + c.probability, 0)).toBeCloseTo(1, 6);
    expect(d).toMatchObject({
      routerVersion: "toy-1",
      executionProvider: "cpu",
      queryMode: "current_only",
      queryText: "How do I sort a list?",
      embedderId: "test-hash-16",
      embeddingKey: "test-hash-16:current_only",
      fallback: false,
      coldStart: { ratingsUsed: 0, usedColdStartVector: true, personalization: true },
    });
    for (const k of ["embedMs", "historyLoadMs", "userEncodeMs", "scoreMs", "totalMs"] as const) expect(d.timings[k]).toBeGreaterThanOrEqual(0);
    expect(d.timings.totalMs).toBeGreaterThanOrEqual(d.timings.scoreMs);
    expect(d.queryEmbedding).toHaveLength(16);
  });

  it("prepare embeds the query ahead of its candidates: the route that follows joins it instead of embedding it again", async () => {
    const message = "A question embedded while the models are still being read";
    const before = embedder.texts;
    router.prepare({ message });
    const d = await router.route({ userId: "fresh", message, candidates });
    expect(embedder.texts - before).toBe(1);
    expect(d.queryText).toBe(message);
    // Without prepare, the same route embeds its query itself: once.
    const again = await router.route({ userId: "fresh", message: `${message}, again`, candidates });
    expect(embedder.texts - before).toBe(2);
    expect(again.queryEmbedding).not.toEqual(d.queryEmbedding);
  });

  it("uses the same cold-start vector for every user without ratings", async () => {
    const a = await router.route({ userId: "new-1", message: "same text", candidates });
    const b = await router.route({ userId: "new-2", message: "same text", candidates });
    expect(b.candidates.map((c) => c.score)).toEqual(a.candidates.map((c) => c.score));
  });

  it("scores a model the catalog never saw from its description and flags it", async () => {
    const withNew = [...candidates, { id: "brand-new", description: "a new coding model" }];
    const d = await router.route({ userId: "fresh", message: "hi", candidates: withNew });
    expect(d.candidates.map((c) => c.unseen)).toEqual([false, false, false, true]);
    const other = await router.route({ userId: "fresh", message: "hi", candidates: [...candidates, { id: "brand-new", description: "a poetry model" }] });
    expect(other.candidates[3].score).not.toBe(d.candidates[3].score);
    expect(other.candidates[0].score).toBe(d.candidates[0].score);
  });

  it("rejects bad requests before any work", async () => {
    await expect(router.route({ userId: "u", message: "x", candidates: [] })).rejects.toSatisfy(NoEligibleModelError.isInstance);
    await expect(router.route({ userId: "", message: "x", candidates })).rejects.toSatisfy(InvalidInputError.isInstance);
    await expect(router.route({ userId: "u", message: "x", candidates: [candidates[0], candidates[0]] })).rejects.toSatisfy(InvalidInputError.isInstance);
  });

  it("caches the user vector until invalidateUser, and a new rating then changes the decision", async () => {
    const user = "rater";
    const req: RouteRequest = { userId: user, message: "Explain monads simply", candidates };
    store.add(user, { chatSessionId: "s0", turnIndex: 0, queryText: "warm-up question", modelId: "model-a", rating: 1 });
    const first = await router.route(req);
    expect(first.userCache).toBe("miss");
    expect(first.coldStart.ratingsUsed).toBe(1);
    const hit = await router.route(req);
    expect(hit.userCache).toBe("hit");
    expect(hit.timings.userEncodeMs).toBe(0);

    // add ratings favouring the current runner-up until the decision flips; each must be invisible until invalidated
    let previous = first;
    let flipped = false;
    for (let i = 1; i <= 30 && !flipped; i++) {
      const target = [...previous.candidates].sort((a, b) => b.score - a.score)[1].id;
      store.add(user, { chatSessionId: "s1", turnIndex: i, queryText: `Explain monads simply, part ${i}`, modelId: target, rating: 1 });
      const stale = await router.route(req);
      expect(stale.userCache).toBe("hit");
      expect(stale.candidates.map((c) => c.score)).toEqual(previous.candidates.map((c) => c.score));
      router.invalidateUser(user);
      const fresh = await router.route(req);
      expect(fresh.userCache).toBe("miss");
      expect(fresh.coldStart.ratingsUsed).toBe(i + 1);
      expect(fresh.candidates.map((c) => c.score)).not.toEqual(previous.candidates.map((c) => c.score));
      flipped = fresh.modelId !== first.modelId;
      previous = fresh;
    }
    expect(flipped).toBe(true);
  });

  it("warmUser recomputes an invalidated vector off the request path: the next turn is a hit with the new rating", async () => {
    const user = "refreshed";
    store.add(user, { chatSessionId: "s", turnIndex: 0, queryText: "q0", modelId: "model-a", rating: 1 });
    const req: RouteRequest = { userId: user, message: "hello", candidates };
    const first = await router.route(req);
    store.add(user, { chatSessionId: "s", turnIndex: 1, queryText: "q1", modelId: "model-c", rating: 0 });
    router.invalidateUser(user);
    await router.warmUser(user);
    const next = await router.route(req);
    expect(next.userCache).toBe("hit");
    expect(next.coldStart.ratingsUsed).toBe(2);
    expect(next.candidates.map((c) => c.score)).not.toEqual(first.candidates.map((c) => c.score));
  });

  it("warmUser encodes a deployment's own models by their stored description, as a turn does", async () => {
    const user = "own-catalog";
    const own = [
      { id: "deploy-x", description: "a deployment's own model, brief answers" },
      { id: "deploy-y", description: "a deployment's own model, long answers" },
    ];
    for (const [i, { id, description }] of own.entries())
      store.add(user, { chatSessionId: "s", turnIndex: i, queryText: `q${i}`, modelId: id, modelDescription: description, rating: 1 - i });
    const req: RouteRequest = { userId: user, message: "hello", candidates: [...candidates, ...own] };
    const onTurn = await router.route(req);
    expect(onTurn.userCache).toBe("miss");
    router.invalidateUser(user);
    await router.warmUser(user);
    const afterWarm = await router.route(req);
    expect(afterWarm.userCache).toBe("hit");
    expect(afterWarm.candidates.map((c) => c.score)).toEqual(onTurn.candidates.map((c) => c.score));
  });

  it("warmUser keeps the vector a turn computed after the invalidation instead of encoding again", async () => {
    const user = "raced";
    store.add(user, { chatSessionId: "s", turnIndex: 0, queryText: "q0", modelId: "model-a", rating: 1 });
    router.invalidateUser(user);
    const req: RouteRequest = { userId: user, message: "hello", candidates };
    expect((await router.route(req)).userCache).toBe("miss");
    const loads = vi.spyOn(store, "getRatedHistory");
    await router.warmUser(user);
    expect(loads).not.toHaveBeenCalled();
    expect((await router.route(req)).userCache).toBe("hit");
  });

  it("embeds stored turns once and persists their embeddings through the store", async () => {
    const user = "embed-once";
    for (let i = 0; i < 5; i++)
      store.add(user, { chatSessionId: "s", turnIndex: i, queryText: `unique stored query ${i} for embed-once`, modelId: "model-b", rating: 0.5 });
    const savesBefore = store.saveCalls;
    await router.route({ userId: user, message: "q", candidates });
    expect(store.saveCalls).toBe(savesBefore + 1);
    const stored = await store.getRatedHistory({ userId: user, limit: 10, embeddingKey: router.embeddingKey });
    expect(stored.every((s) => s.queryEmbedding instanceof Float32Array)).toBe(true);
    router.invalidateUser(user);
    await router.route({ userId: user, message: "q", candidates });
    expect(store.saveCalls).toBe(savesBefore + 1);
  });

  it("asks the store for the rated answers' texts only when the model embeds them", async () => {
    const user = "lengths-only";
    store.add(user, { chatSessionId: "s", turnIndex: 0, queryText: "q0", modelId: "model-a", rating: 1, responseText: "an answer" });
    const loads = vi.spyOn(store, "getRatedHistory");
    await router.route({ userId: user, message: "q", candidates });
    expect(loads).toHaveBeenCalledWith(expect.objectContaining({ userId: user, withResponseText: false })); // the toy model reads no answer text
    loads.mockRestore();
  });

  it("skips stored interactions with an invalid rating or turn instead of failing the turn", async () => {
    const user = "dirty";
    store.add(user, { chatSessionId: "s", turnIndex: 0, queryText: "ok", modelId: "model-a", rating: 1 });
    const list = await store.getRatedHistory({ userId: user, limit: 1, embeddingKey: "x" });
    // bypass add()'s own validation to simulate bad rows from a database
    const bad = { ...list[0], interactionId: "bad-1", rating: 4, createdAt: new Date(list[0].createdAt.getTime() + 1) };
    const dirtyStore = {
      ...store,
      getRatedHistory: async () => [...list, bad],
      saveQueryEmbeddings: async () => {},
      recordRating: store.recordRating.bind(store),
    };
    const r = await OnnxRouter.create({ modelDir: TOY_MODEL, embedder, historyStore: dirtyStore, device: "cpu" });
    const d = await r.route({ userId: user, message: "q", candidates });
    expect(d.coldStart.ratingsUsed).toBe(1);
    await r.close();
  });

  it("uses at most historyLimit ratings", async () => {
    const user = "heavy";
    for (let i = 0; i < 70; i++)
      store.add(user, { chatSessionId: `s${i % 7}`, turnIndex: Math.floor(i / 7), queryText: `h${i}`, modelId: candidates[i % 3].id, rating: (i % 5) / 4 });
    const d = await router.route({ userId: user, message: "q", candidates });
    expect(d.coldStart.ratingsUsed).toBe(50);
  });

  it("personalization off uses the cold-start vector and bypasses the cache", async () => {
    const personal = await router.route({ userId: "heavy", message: "same", candidates });
    const off = await router.route({ userId: "heavy", message: "same", candidates, personalization: false });
    const cold = await router.route({ userId: "nobody", message: "same", candidates });
    expect(off.userCache).toBe("bypass");
    expect(off.coldStart).toEqual({ ratingsUsed: 0, usedColdStartVector: true, personalization: false });
    expect(off.candidates.map((c) => c.score)).toEqual(cold.candidates.map((c) => c.score));
    expect(off.candidates.map((c) => c.score)).not.toEqual(personal.candidates.map((c) => c.score));
  });
});

describe("query text modes", () => {
  const store = new InMemoryHistoryStore();
  const earlier = ["How do I install Rust?", "What is the weather like?", "Rust borrow checker errors"];
  const sep = CONTRACT.queryText.separator;

  it("full_context joins the conversation's user messages", async () => {
    const r = await OnnxRouter.create({
      modelDir: TOY_MODEL,
      embedder: new HashEmbedder("test-hash-16", 16),
      historyStore: store,
      device: "cpu",
      queryMode: "full_context",
    });
    const d = await r.route({ userId: "u", message: "and lifetimes?", earlierUserMessages: earlier, candidates });
    expect(d.queryText).toBe([...earlier, "and lifetimes?"].join(sep));
    await r.close();
  });

  it("stored turns are embedded from their message and context per the mode, under a mode-specific key", async () => {
    const embedder = new HashEmbedder("test-hash-16", 16);
    const r = await OnnxRouter.create({ modelDir: TOY_MODEL, embedder, historyStore: store, device: "cpu", queryMode: "full_context" });
    expect(r.embeddingKey).toBe("test-hash-16:full_context");
    const it1 = store.add("ctx-user", {
      chatSessionId: "c",
      turnIndex: 2,
      queryText: "and lifetimes?",
      context: earlier.slice(0, 2),
      modelId: "model-a",
      rating: 1,
    });
    await r.route({ userId: "ctx-user", message: "next", candidates });
    const [saved] = await store.getRatedHistory({ userId: "ctx-user", limit: 1, embeddingKey: r.embeddingKey });
    const [expected] = await embedder.embed([[earlier[0], earlier[1], "and lifetimes?"].join(sep)]);
    expect(saved.interactionId).toBe(it1.interactionId);
    expect(Array.from(saved.queryEmbedding!)).toEqual(Array.from(expected));
    // a current_only model doesn't reuse embeddings built for full_context
    const [other] = await store.getRatedHistory({ userId: "ctx-user", limit: 1, embeddingKey: "test-hash-16:current_only" });
    expect(other.queryEmbedding).toBeNull();
    await r.close();
  });

  it("retrieval keeps the top-k most similar earlier messages, oldest first", async () => {
    const r = await OnnxRouter.create({
      modelDir: TOY_MODEL,
      embedder: new HashEmbedder("test-hash-16", 16),
      historyStore: store,
      device: "cpu",
      queryMode: "retrieval",
      retrievalTopK: 1,
    });
    const d = await r.route({ userId: "u", message: "Rust borrow checker errors again", earlierUserMessages: earlier, candidates });
    expect(d.queryText).toBe(["Rust borrow checker errors", "Rust borrow checker errors again"].join(sep));
    await r.close();
  });
});

describe("a reloaded model with the same routerVersion", () => {
  it("does not read user vectors cached by the previous instance", async () => {
    const store = new InMemoryHistoryStore();
    store.add("u", { chatSessionId: "s", turnIndex: 0, queryText: "q", modelId: "model-a", rating: 1 });
    const registry = new RouterRegistry();
    const make = () =>
      OnnxRouter.create({
        modelDir: TOY_MODEL,
        embedder: new HashEmbedder("test-hash-16", 16),
        historyStore: store,
        device: "cpu",
        userVectorCache: registry.userVectorCache,
      });
    await registry.load(make);
    expect((await registry.route({ userId: "u", message: "m", candidates })).userCache).toBe("miss");
    expect((await registry.route({ userId: "u", message: "m", candidates })).userCache).toBe("hit");
    await registry.load(make);
    const after = await registry.route({ userId: "u", message: "m", candidates });
    expect(after.routerVersion).toBe("toy-1");
    expect(after.userCache).toBe("miss");
    await registry.close();
    expect(registry.userVectorCache.size).toBe(0);
  });
});

describe("hot-swap of real ONNX routers", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("swaps versions while route() calls are in flight without a failure or fallback", async () => {
    const store = new InMemoryHistoryStore();
    for (let i = 0; i < 40; i++)
      store.add("u", { chatSessionId: `s${i % 4}`, turnIndex: Math.floor(i / 4), queryText: `q${i}`, modelId: candidates[i % 3].id, rating: (i % 3) / 2 });
    const v2dir = copyModel(TOY_MODEL, (m) => (m.routerVersion = "toy-2"));
    dirs.push(v2dir);
    const registry = new RouterRegistry();
    const make = (modelDir: string) => () =>
      OnnxRouter.create({
        modelDir,
        embedder: new HashEmbedder("test-hash-16", 16),
        historyStore: store,
        device: "cpu",
        userVectorCache: registry.userVectorCache,
      });
    expect((await registry.load(make(TOY_MODEL))).status).toBe("ready");
    const v1 = registry.active as OnnxRouter;
    const calls: Promise<unknown>[] = [];
    const decisions: { routerVersion: string | null; fallback: boolean }[] = [];
    const errors: unknown[] = [];
    const fire = (i: number) =>
      calls.push(
        registry.route({ userId: i % 2 ? "u" : `anon-${i}`, message: `message ${i}`, candidates }).then(
          (d) => decisions.push(d),
          (e) => errors.push(e),
        ),
      );
    let i = 0;
    for (; i < 50; i++) fire(i);
    let swapped = false;
    const loading = registry.load(make(v2dir)).then(() => (swapped = true));
    while (!swapped) {
      for (let k = 0; k < 5; k++) fire(i++); // keep calls in flight during the load and the swap
      await new Promise((r) => setImmediate(r));
    }
    await loading;
    for (let k = 0; k < 50; k++) fire(i++);
    await Promise.all(calls);
    await registry.drained();
    expect(errors).toEqual([]);
    expect(decisions).toHaveLength(i);
    expect(decisions.every((d) => !d.fallback)).toBe(true);
    expect(new Set(decisions.map((d) => d.routerVersion))).toEqual(new Set(["toy-1", "toy-2"]));
    expect(registry.state).toMatchObject({ status: "ready", routerVersion: "toy-2" });
    expect(v1.closed).toBe(true);
    await expect(v1.route({ userId: "u", message: "x", candidates })).rejects.toSatisfy(RouterClosedError.isInstance);
    await registry.close();
  });
});
