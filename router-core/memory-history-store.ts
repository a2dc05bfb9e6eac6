import { randomUUID } from "node:crypto";
import type { GetRatedHistoryArgs, HistoryStore, RatedInteraction, RecordRatingArgs, SaveQueryEmbeddingsArgs } from "./history-store";
import { assertNormalizedRating } from "./rating";

/** Input of InMemoryHistoryStore.add; queryEmbedding, if given, is stored under `embeddingKey`. */
export type NewInteraction = Omit<RatedInteraction, "interactionId" | "createdAt" | "queryEmbedding"> & {
  readonly interactionId?: string;
  readonly createdAt?: Date;
  readonly queryEmbedding?: Float32Array | null;
  readonly embeddingKey?: string;
};

/** A HistoryStore in process memory, for tests, benchmarks and the CLI. Not persistent. */
export class InMemoryHistoryStore implements HistoryStore {
  readonly #byUser = new Map<string, RatedInteraction[]>();
  /** embeddingKey -> interactionId -> embedding */
  readonly #embeddings = new Map<string, Map<string, Float32Array>>();
  #clock = 0;
  /** Number of saveQueryEmbeddings calls, for tests. */
  saveCalls = 0;

  /** Adds a rated interaction for `userId` and returns it. */
  add(userId: string, interaction: NewInteraction): RatedInteraction {
    assertNormalizedRating(interaction.rating);
    const stored: RatedInteraction = {
      interactionId: interaction.interactionId ?? randomUUID(),
      chatSessionId: interaction.chatSessionId,
      turnIndex: interaction.turnIndex,
      queryText: interaction.queryText,
      context: interaction.context ?? null,
      modelId: interaction.modelId,
      modelDescription: interaction.modelDescription ?? null,
      rating: interaction.rating,
      responseText: interaction.responseText ?? null,
      // strictly increasing default timestamps keep "most recent" well defined
      createdAt: interaction.createdAt ?? new Date(Date.UTC(2026, 0, 1) + ++this.#clock * 1000),
    };
    const list = this.#byUser.get(userId) ?? [];
    // keep each user's list sorted by createdAt (appends are the common case)
    let at = list.length;
    while (at > 0 && list[at - 1].createdAt.getTime() > stored.createdAt.getTime()) at--;
    list.splice(at, 0, stored);
    this.#byUser.set(userId, list);
    if (interaction.queryEmbedding && interaction.embeddingKey) {
      this.#embeddingsFor(interaction.embeddingKey).set(stored.interactionId, interaction.queryEmbedding);
    }
    return stored;
  }

  /** Number of interactions stored for `userId`. */
  count(userId: string): number {
    return this.#byUser.get(userId)?.length ?? 0;
  }

  async getRatedHistory({ userId, limit, embeddingKey }: GetRatedHistoryArgs): Promise<readonly RatedInteraction[]> {
    const list = this.#byUser.get(userId) ?? [];
    const embeddings = this.#embeddings.get(embeddingKey);
    return list
      .slice(Math.max(0, list.length - Math.max(0, limit)))
      .reverse()
      .map((i) => ({ ...i, queryEmbedding: embeddings?.get(i.interactionId) ?? null }));
  }

  async saveQueryEmbeddings({ embeddingKey, embeddings }: SaveQueryEmbeddingsArgs): Promise<void> {
    this.saveCalls++;
    const map = this.#embeddingsFor(embeddingKey);
    for (const { interactionId, embedding } of embeddings) map.set(interactionId, embedding);
  }

  async recordRating(args: RecordRatingArgs): Promise<RatedInteraction> {
    const list = this.#byUser.get(args.userId) ?? [];
    const chatSessionId = args.chatSessionId ?? `feedback-${randomUUID()}`;
    const turnIndex = args.turnIndex ?? list.filter((i) => i.chatSessionId === chatSessionId).reduce((max, i) => Math.max(max, i.turnIndex + 1), 0);
    return this.add(args.userId, {
      chatSessionId,
      turnIndex,
      queryText: args.queryText,
      modelId: args.modelId,
      rating: args.rating,
      context: args.context ?? null,
      responseText: args.responseText ?? null,
    });
  }

  #embeddingsFor(embeddingKey: string): Map<string, Float32Array> {
    let map = this.#embeddings.get(embeddingKey);
    if (!map) {
      map = new Map();
      this.#embeddings.set(embeddingKey, map);
    }
    return map;
  }
}
