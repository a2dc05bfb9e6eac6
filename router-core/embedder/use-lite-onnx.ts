import { existsSync } from "node:fs";
import { SentenceEncoderSession } from "../encoder-session";
import { EmbedderLoadError } from "../errors";
import type { Embedder } from "./embedder";
import { groupBySimilarLength, padTokenBatch } from "./token-batches";
import type { UseLitePrecision } from "./use-lite-precision";
import { UseLiteTokenizer } from "./use-lite-tokenizer";

export const USE_LITE_ID = "use-lite-512";
const USE_LITE_DIM = 512;

/** Where scripts/install.sh builds each precision (gitignored: generated from node_modules' weights). */
export const DEFAULT_USE_LITE_ONNX_FILES: Readonly<Record<UseLitePrecision, string>> = {
  float32: "router-core/models/use-lite-512/encoder.onnx",
  int8: "router-core/models/use-lite-512/encoder-int8.onnx",
};
export const BUILD_USE_LITE_ONNX_COMMAND = "/usr/bin/python3 scripts/build-use-lite-onnx.py";

export interface UseLiteOnnxEmbedderOptions {
  /** Which build to load from DEFAULT_USE_LITE_ONNX_FILES. Default "float32", the reference. */
  readonly precision?: UseLitePrecision;
  /** The `precision` build at another path than its default one (relative to the working directory). */
  readonly file?: string;
  /**
   * onnxruntime intra-op threads. Default 1: on the project's shared 2-core machine two threads
   * were no faster per query and cost as much or more CPU (bench/routing/README.md).
   */
  readonly intraOpNumThreads?: number;
  /** Embed a few texts at create() so the first request doesn't pay onnxruntime's first-run setup. Default true. */
  readonly warmUp?: boolean;
}

/**
 * Universal Sentence Encoder lite in onnxruntime-node: the package's tokenizer in JS, the
 * transformer as an ONNX graph converted from the tfjs model's own weights, with the tfjs
 * vectors to within 1e-6 (test/router-core/use-lite-onnx.test.ts), hence the same id.
 * A text without tokens ("") gets the model's no-token vector, wherever it sits in a batch.
 */
export class UseLiteOnnxEmbedder implements Embedder {
  readonly id = USE_LITE_ID;
  readonly dim = USE_LITE_DIM;
  readonly precision: UseLitePrecision;
  readonly #tokenizer: UseLiteTokenizer;
  readonly #session: SentenceEncoderSession;

  private constructor(precision: UseLitePrecision, tokenizer: UseLiteTokenizer, session: SentenceEncoderSession) {
    this.precision = precision;
    this.#tokenizer = tokenizer;
    this.#session = session;
  }

  /** Throws EmbedderLoadError, naming the command that builds the file, when the ONNX file is missing or unloadable. */
  static async create(options: UseLiteOnnxEmbedderOptions = {}): Promise<UseLiteOnnxEmbedder> {
    const precision = options.precision ?? "float32";
    const file = options.file ?? DEFAULT_USE_LITE_ONNX_FILES[precision];
    // The path is configurable, so a bundler's file tracing cannot follow it (Turbopack would trace the whole
    // project); the servers that need the default file list it themselves (next.config.ts outputFileTracingIncludes).
    if (!existsSync(/* turbopackIgnore: true */ file)) {
      throw new EmbedderLoadError({
        embedderId: USE_LITE_ID,
        file,
        message: `the encoder file ${file} is missing; build it with \`${BUILD_USE_LITE_ONNX_COMMAND}\` (scripts/install.sh, run by npm run up and npm test, does)`,
      });
    }
    const tokenizer = new UseLiteTokenizer();
    const session = await SentenceEncoderSession.create({
      file,
      embedderId: USE_LITE_ID,
      dim: USE_LITE_DIM,
      vocabularySize: tokenizer.vocabularySize,
      intraOpNumThreads: options.intraOpNumThreads ?? 1,
    });
    const embedder = new UseLiteOnnxEmbedder(precision, tokenizer, session);
    if (options.warmUp ?? true) {
      for (const text of ["warm up", "a second warm-up text"]) await embedder.embed([text]);
      await embedder.embed(["batched warm-up one", "batched warm-up two"]);
    }
    return embedder;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const tokens = texts.map((t) => this.#tokenizer.tokenize(t));
    const vectors: Float32Array[] = new Array(texts.length);
    // The int8 build quantizes each matmul's whole input with one scale, so texts batched together (and their
    // padding) would change each other's vectors: there every text runs alone, which costs it nothing measurable.
    const groups = this.precision === "int8" ? tokens.map((_, i) => [i]) : groupBySimilarLength(tokens.map((t) => t.length));
    for (const group of groups) {
      const flat = await this.#session.encode(padTokenBatch(group.map((i) => tokens[i])));
      for (const [row, i] of group.entries()) vectors[i] = flat.slice(row * this.dim, (row + 1) * this.dim);
    }
    return vectors;
  }

  /** Releases the onnxruntime session; later calls fail. */
  async close(): Promise<void> {
    await this.#session.release();
  }
}
