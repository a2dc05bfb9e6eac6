/**
 * A sentence encoder. Every text that becomes a router input (query, response,
 * LLM description) goes through exactly one Embedder, and its `id` travels with
 * the trained model so that vectors from different encoders never mix.
 */
export interface Embedder {
  /** Stable identifier written into model manifests, e.g. "use-lite-512". */
  readonly id: string;
  /** Length of every returned vector. */
  readonly dim: number;
  /** Embeds texts in order; returns one vector of length `dim` per text. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
