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
 * de-duplicated and sent to the inner embedder as one batch. Same id and dim as the inner one.
 * Cached vectors are shared: callers must not mutate them.
 */
export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly inner: Embedder;
  readonly #cache: LruMap<string, Float32Array>;
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
    const out: (Float32Array | undefined)[] = keys.map((k) => this.#cache.get(k));
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
      const vectors = await this.inner.embed(entries.map(([, e]) => e.text));
      if (vectors.length !== entries.length) throw new Error(`embedder ${this.id} returned ${vectors.length} vectors for ${entries.length} texts`);
      entries.forEach(([key, e], j) => {
        this.#cache.set(key, vectors[j]);
        for (const slot of e.slots) out[slot] = vectors[j];
      });
    }
    return out as Float32Array[];
  }

  clear(): void {
    this.#cache.clear();
  }
}
