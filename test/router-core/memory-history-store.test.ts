import { describe, expect, it } from "vitest";
import { InvalidInputError } from "@/router-core/errors";
import { InMemoryHistoryStore } from "@/router-core/memory-history-store";

const base = { chatSessionId: "s", queryText: "q", modelId: "m", rating: 1 };

describe("InMemoryHistoryStore", () => {
  it("returns the most recent `limit` interactions, newest first, even when added out of order", async () => {
    const store = new InMemoryHistoryStore();
    store.add("u", { ...base, turnIndex: 0, interactionId: "t2", createdAt: new Date(2000) });
    store.add("u", { ...base, turnIndex: 1, interactionId: "t3", createdAt: new Date(3000) });
    store.add("u", { ...base, turnIndex: 2, interactionId: "t1", createdAt: new Date(1000) });
    store.add("other", { ...base, turnIndex: 0, interactionId: "x" });
    const got = await store.getRatedHistory({ userId: "u", limit: 2, embeddingKey: "e" });
    expect(got.map((i) => i.interactionId)).toEqual(["t3", "t2"]);
    expect(await store.getRatedHistory({ userId: "u", limit: 0, embeddingKey: "e" })).toEqual([]);
    expect(await store.getRatedHistory({ userId: "nobody", limit: 5, embeddingKey: "e" })).toEqual([]);
  });

  it("returns query embeddings only for the embedder they were saved under", async () => {
    const store = new InMemoryHistoryStore();
    const it1 = store.add("u", { ...base, turnIndex: 0 });
    await store.saveQueryEmbeddings({ embeddingKey: "e1", embeddings: [{ interactionId: it1.interactionId, embedding: Float32Array.from([1, 2]) }] });
    expect(Array.from((await store.getRatedHistory({ userId: "u", limit: 1, embeddingKey: "e1" }))[0].queryEmbedding!)).toEqual([1, 2]);
    expect((await store.getRatedHistory({ userId: "u", limit: 1, embeddingKey: "e2" }))[0].queryEmbedding).toBeNull();
  });

  it("recordRating appends a turn to the given conversation or starts a new one", async () => {
    const store = new InMemoryHistoryStore();
    const a = await store.recordRating({ userId: "u", queryText: "q1", modelId: "m", rating: 0.5, source: "feedback", chatSessionId: "c" });
    const b = await store.recordRating({ userId: "u", queryText: "q2", modelId: "m", rating: 0.5, source: "feedback", chatSessionId: "c" });
    const c = await store.recordRating({ userId: "u", queryText: "q3", modelId: "m", rating: 0.5, source: "feedback" });
    expect([a.turnIndex, b.turnIndex]).toEqual([0, 1]);
    expect(c.chatSessionId).not.toBe("c");
    await expect(store.recordRating({ userId: "u", queryText: "q", modelId: "m", rating: 2, source: "feedback" })).rejects.toSatisfy(
      InvalidInputError.isInstance,
    );
  });
});

describe("embedding bytes", () => {
  it("round-trips float32 values exactly and rejects a wrong length", async () => {
    const { embeddingFromBytes, embeddingToBytes } = await import("@/router-core/embedding-bytes");
    const v = Float32Array.from([0, -1.5, Math.PI, 1e-30, -0]);
    const bytes = embeddingToBytes(v);
    expect(bytes.byteLength).toBe(20);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 0, 0xc0, 0xbf]); // -1.5 little-endian
    const buf = Buffer.concat([Buffer.from([9]), Buffer.from(bytes)]).subarray(1); // unaligned, like a pg Buffer slice
    expect(Array.from(embeddingFromBytes(buf, 5)!)).toEqual(Array.from(v));
    expect(embeddingFromBytes(bytes, 4)).toBeNull();
  });
});
