import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GetRatedHistoryArgs } from "@/router-core/history-store";
import { InMemoryHistoryStore } from "@/router-core/memory-history-store";
import { OnnxRouter } from "@/router-core/onnx-router";
import { UserVectorCache } from "@/router-core/user-vector-cache";
import { HashEmbedder, TOY_MODEL } from "./helpers";

describe("UserVectorCache", () => {
  const value = { vector: Float32Array.from([1]), ratingsUsed: 1, evidence: null };

  it("keys by (router version, user) and invalidates a user across versions", () => {
    const cache = new UserVectorCache();
    const g = cache.generation("u");
    cache.set("v1", "u", g, value);
    cache.set("v2", "u", g, value);
    cache.set("v1", "u2", cache.generation("u2"), value);
    expect(cache.get("v1", "u")).toBe(value);
    expect(cache.get("v3", "u")).toBeUndefined();
    cache.invalidateUser("u");
    expect(cache.get("v1", "u")).toBeUndefined();
    expect(cache.get("v2", "u")).toBeUndefined();
    expect(cache.get("v1", "u2")).toBe(value);
  });

  it("never stores a vector computed before the latest invalidation", () => {
    const cache = new UserVectorCache();
    const g = cache.generation("u");
    cache.invalidateUser("u");
    expect(cache.set("v1", "u", g, value)).toBe(false);
    expect(cache.get("v1", "u")).toBeUndefined();
    expect(cache.set("v1", "u", cache.generation("u"), value)).toBe(true);
  });
});

/** A store whose reads wait until released, to interleave a rating with an in-flight encode. */
class GatedStore extends InMemoryHistoryStore {
  gate: Promise<void> | null = null;
  override async getRatedHistory(args: GetRatedHistoryArgs) {
    const snapshot = await super.getRatedHistory(args);
    if (this.gate) await this.gate;
    return snapshot;
  }
}

describe("OnnxRouter with a rating that lands while the user's vector is being computed", () => {
  let store: GatedStore;
  let router: OnnxRouter;
  const candidates = [
    { id: "model-a", description: "a" },
    { id: "model-b", description: "b" },
  ];
  beforeAll(async () => {
    store = new GatedStore();
    router = await OnnxRouter.create({ modelDir: TOY_MODEL, embedder: new HashEmbedder("test-hash-16", 16), historyStore: store, device: "cpu" });
  });
  afterAll(() => router.close());

  it("does not cache the stale vector", async () => {
    store.add("u", { chatSessionId: "s", turnIndex: 0, queryText: "q0", modelId: "model-a", rating: 1 });
    let release!: () => void;
    store.gate = new Promise<void>((r) => (release = r));
    const inFlight = router.route({ userId: "u", message: "m", candidates });
    await new Promise((r) => setTimeout(r, 10));
    store.add("u", { chatSessionId: "s", turnIndex: 1, queryText: "q1", modelId: "model-b", rating: 0 });
    router.invalidateUser("u");
    store.gate = null;
    release();
    expect((await inFlight).coldStart.ratingsUsed).toBe(1); // computed from the old snapshot
    const next = await router.route({ userId: "u", message: "m", candidates });
    expect(next.userCache).toBe("miss");
    expect(next.coldStart.ratingsUsed).toBe(2);
  });
});

describe("UserVectorCache namespaces", () => {
  it("dropNamespace removes one router instance's vectors only", () => {
    const cache = new UserVectorCache();
    const value = { vector: Float32Array.from([1]), ratingsUsed: 1, evidence: null };
    cache.set("v1#1", "u", 0, value);
    cache.set("v1#2", "u", 0, value);
    cache.dropNamespace("v1#1");
    expect(cache.get("v1#1", "u")).toBeUndefined();
    expect(cache.get("v1#2", "u")).toBe(value);
  });
});
