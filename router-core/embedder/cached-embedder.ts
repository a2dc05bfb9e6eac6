import { createHash } from "node:crypto";
import type { Embedder } from "./embedder";
import { LruMap } from "./lru";

export interface CachedEmbedderOptions {
  /** Maximum number of cached vectors. Default 10,000 (~20 MB at 512-d). */
  readonly maxEntries?: number;
}

/** sha256(embedder id + "\0" + text), the same key training/embed.py uses for its disk cache. */
export function embeddingKey(embedderId: string, text: string): string {
  return createHash("sha256").update(embedderId).update("\0").update(text).digest("hex");
}

/**
 * Wraps an Embedder with an LRU cache keyed by embedder id + text hash. Misses of one call are
 * de-duplicated and sent to the inner embedder as one batch; a text another call is embedding
 * already is waited for, not embedded twice. Same id and dim as the inner one.
 * Cached vectors are shared: callers must not mutate them.
 */
export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly inner: Embedder;
  readonly #cache: LruMap<string, Float32Array>;
  /** Misses being embedded now: a call that needs the same text joins them instead of embedding it again. */
  readonly #inFlight = new Map<string, Promise<Float32Array>>();
  hits = 0;
  misses = 0;

  constructor(inner: Embedder, options: CachedEmbedderOptions = {}) {
    this.inner = inner;
    this.id = inner.id;
    this.dim = inner.dim;
    this.#cache = new LruMap(options.maxEntries ?? 10_000);
  }

  get size(): number {
    return this.#cache.size;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const keys = texts.map((t) => embeddingKey(this.id, t));
    const out: (Float32Array | Promise<Float32Array> | undefined)[] = keys.map((k) => this.#cache.get(k) ?? this.#inFlight.get(k));
    const missing = new Map<string, { text: string; slots: number[] }>();
    out.forEach((v, i) => {
      if (v) {
        this.hits++;
        return;
      }
      this.misses++;
      const entry = missing.get(keys[i]);
      if (entry) entry.slots.push(i);
      else missing.set(keys[i], { text: texts[i], slots: [i] });
    });
    if (missing.size > 0) {
      const entries = [...missing.entries()];
      const batch = this.inner.embed(entries.map(([, e]) => e.text)).then((vectors) => {
        if (vectors.length !== entries.length) throw new Error(`embedder ${this.id} returned ${vectors.length} vectors for ${entries.length} texts`);
        return vectors;
      });
      entries.forEach(([key, e], j) => {
        const vector = batch.then((vectors) => vectors[j]);
        vector.catch(() => {}); // awaited below, or by a call that joined it
        this.#inFlight.set(key, vector);
        for (const slot of e.slots) out[slot] = vector;
      });
      try {
        const vectors = await batch;
        for (const [j, [key]] of entries.entries()) this.#cache.set(key, vectors[j]);
      } finally {
        for (const [key] of entries) this.#inFlight.delete(key);
      }
    }
    return Promise.all(out as (Float32Array | Promise<Float32Array>)[]);
  }

  clear(): void {
    this.#cache.clear();
  }
}
