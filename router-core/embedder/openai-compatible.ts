import { createOpenAI } from "@ai-sdk/openai";
import { embedMany } from "ai";
import type { Embedder } from "./embedder";

export interface OpenAICompatibleEmbedderOptions {
  /** Base URL of an OpenAI-compatible API, e.g. "http://localhost:8000/v1". */
  readonly baseURL: string;
  readonly apiKey?: string;
  /** Embedding model name sent as `model`, e.g. "text-embedding-3-small". */
  readonly model: string;
  /** Vector length the model returns; checked on every response. */
  readonly dim: number;
  /** Embedder id written into manifests. Default `openai:<model>@<dim>`. */
  readonly id?: string;
  readonly maxRetries?: number;
  readonly maxParallelCalls?: number;
  /** Test seam: custom fetch. */
  readonly fetch?: typeof globalThis.fetch;
  readonly headers?: Record<string, string>;
}

/** An Embedder backed by any OpenAI-compatible /v1/embeddings endpoint, through the AI SDK. */
export class OpenAICompatibleEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly #model: ReturnType<ReturnType<typeof createOpenAI>["embedding"]>;
  readonly #options: OpenAICompatibleEmbedderOptions;

  constructor(options: OpenAICompatibleEmbedderOptions) {
    if (!Number.isInteger(options.dim) || options.dim < 1) throw new RangeError(`dim must be a positive integer, got ${options.dim}`);
    this.#options = options;
    this.id = options.id ?? `openai:${options.model}@${options.dim}`;
    this.dim = options.dim;
    const provider = createOpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey ?? "unused",
      headers: options.headers,
      fetch: options.fetch,
    });
    this.#model = provider.embedding(options.model);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const { embeddings } = await embedMany({
      model: this.#model,
      values: [...texts],
      maxRetries: this.#options.maxRetries ?? 2,
      maxParallelCalls: this.#options.maxParallelCalls ?? 4,
    });
    return embeddings.map((e, i) => {
      if (e.length !== this.dim) throw new Error(`embedder ${this.id}: vector ${i} has ${e.length} values, expected ${this.dim}`);
      return Float32Array.from(e);
    });
  }
}
