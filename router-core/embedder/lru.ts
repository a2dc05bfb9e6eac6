/** A small least-recently-used map on top of Map's insertion order. */
export class LruMap<K, V> {
  readonly #map = new Map<K, V>();
  readonly maxSize: number;

  constructor(maxSize: number) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`LruMap maxSize must be a positive integer, got ${maxSize}`);
    this.maxSize = maxSize;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.maxSize) this.#map.delete(this.#map.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  /** Deletes every entry whose key satisfies `predicate`. */
  deleteWhere(predicate: (key: K) => boolean): number {
    let n = 0;
    for (const key of [...this.#map.keys()]) if (predicate(key) && this.#map.delete(key)) n++;
    return n;
  }

  clear(): void {
    this.#map.clear();
  }
}
