import { LruMap } from "./embedder/lru";
import type { PreferenceEvidence } from "./online-preference";

export interface CachedUserVector {
  readonly vector: Float32Array;
  readonly ratingsUsed: number;
  /** The user's recent ratings for the online preference layer; null without history. */
  readonly evidence: PreferenceEvidence | null;
}

/**
 * Encoded user vectors keyed by (router version, user id); OnnxRouter passes its version plus an
 * instance number as the version, so two loads of one model never share vectors. A per-user generation counter makes
 * invalidation safe against encodes already in flight: a result computed before the latest
 * invalidateUser() is never stored.
 */
export class UserVectorCache {
  readonly #entries: LruMap<string, CachedUserVector>;
  /** Bounded: an evicted generation reads as 0, which no invalidated encode can hold. */
  readonly #generation: LruMap<string, number>;
  #counter = 0;

  constructor(maxUsers = 10_000) {
    this.#entries = new LruMap(maxUsers);
    this.#generation = new LruMap(maxUsers * 10);
  }

  static key(routerVersion: string, userId: string): string {
    return `${routerVersion}\u0000${userId}`;
  }

  get(routerVersion: string, userId: string): CachedUserVector | undefined {
    return this.#entries.get(UserVectorCache.key(routerVersion, userId));
  }

  /** Token to pass to set(); captured before the history is loaded. */
  generation(userId: string): number {
    return this.#generation.get(userId) ?? 0;
  }

  /** Stores the vector unless the user was invalidated after `generation` was taken. */
  set(routerVersion: string, userId: string, generation: number, value: CachedUserVector): boolean {
    if (this.generation(userId) !== generation) return false;
    this.#entries.set(UserVectorCache.key(routerVersion, userId), value);
    return true;
  }

  /** Drops the user's vectors for every router version. */
  invalidateUser(userId: string): void {
    this.#generation.set(userId, ++this.#counter);
    this.#entries.deleteWhere((key) => key.slice(key.indexOf("\u0000") + 1) === userId);
  }

  /** Drops every vector of one router instance (called when it closes). */
  dropNamespace(routerVersion: string): void {
    this.#entries.deleteWhere((key) => key.slice(0, key.indexOf("\u0000")) === routerVersion);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
