/**
 * The question embeddings a user's last history read returned, so that the next read of that user (every rating
 * re-encodes them) asks PostgreSQL only for those it does not hold: 200 of them are 400 KB, sent as 800 KB of hex
 * and decoded on the event loop. A question's embedding under one key never changes (an edited message is a new
 * turn, and another embedder or query mode is another key), so what is kept never goes stale. The users read most
 * recently are kept, up to `maxEmbeddings` embeddings in all.
 */
const NONE: ReadonlyMap<string, Float32Array> = new Map();

export class QuestionEmbeddingCache {
  /** In order of use, oldest first: a user's question embeddings under the key they were read with. */
  readonly #users = new Map<string, { key: string; byQuestion: ReadonlyMap<string, Float32Array> }>();
  #size = 0;

  constructor(private readonly maxEmbeddings: number) {}

  /** The user's questions whose embedding under `key` is kept. */
  known(userId: string, key: string): ReadonlyMap<string, Float32Array> {
    const entry = this.#users.get(userId);
    return entry?.key === key ? entry.byQuestion : NONE;
  }

  /** Keeps what the user's latest read holds, in place of what their previous read held. */
  keep(userId: string, key: string, byQuestion: ReadonlyMap<string, Float32Array>): void {
    this.#forget(userId);
    if (byQuestion.size === 0 || byQuestion.size > this.maxEmbeddings) return;
    this.#users.set(userId, { key, byQuestion });
    this.#size += byQuestion.size;
    for (const [oldest] of this.#users) {
      if (this.#size <= this.maxEmbeddings) break;
      this.#forget(oldest);
    }
  }

  /** How many embeddings are kept, over all users. */
  get size(): number {
    return this.#size;
  }

  #forget(userId: string): void {
    const entry = this.#users.get(userId);
    if (!entry) return;
    this.#size -= entry.byQuestion.size;
    this.#users.delete(userId);
  }
}
