import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { TokenBatch } from "./embedder/token-batches";
import { type EncoderMessage, type EncoderReply, type EncoderRequest, type EncoderWorkerData, encoderWorkerSource } from "./encoder-worker";
import { EmbedderLoadError } from "./errors";
import { checkIndices } from "./session";

export interface SentenceEncoderSessionOptions {
  /** The ONNX file (inputs token_ids [batch, seq] and lengths [batch], int64; output embeddings [batch, dim]). */
  readonly file: string;
  /** Embedder id, for error messages. */
  readonly embedderId: string;
  readonly dim: number;
  /** Token ids must lie in [0, vocabularySize). */
  readonly vocabularySize: number;
  readonly intraOpNumThreads: number;
}

/** Where the worker loads onnxruntime-node from. */
function onnxruntimePath(): string {
  // A bundler (Next's) turns require.resolve into a module id; the worker then resolves the name from the working directory.
  const resolved: unknown = createRequire(import.meta.url).resolve("onnxruntime-node");
  return typeof resolved === "string" ? resolved : "onnxruntime-node";
}

/**
 * The sentence encoder's session, always on the CPU provider (a query costs a few ms there,
 * less than a GPU transfer round trip would save), in a worker thread of its own: the event
 * loop only tokenizes and checks the batch.
 */
export class SentenceEncoderSession {
  readonly #worker: Worker;
  readonly #options: SentenceEncoderSessionOptions;
  readonly #pending = new Map<number, (reply: EncoderReply) => void>();
  #nextId = 0;
  #failed: Error | null = null;

  private constructor(worker: Worker, options: SentenceEncoderSessionOptions) {
    this.#worker = worker;
    this.#options = options;
    worker.on("message", (reply: EncoderReply) => {
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
    });
    const fail = (err: Error) => {
      this.#failed ??= err;
      for (const settle of this.#pending.values()) settle({ id: -2, error: err.message });
      this.#pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`${options.embedderId}: the encoder worker exited with code ${code}`)));
  }

  static async create(options: SentenceEncoderSessionOptions): Promise<SentenceEncoderSession> {
    const fail = (message: string, cause?: unknown) => new EmbedderLoadError({ embedderId: options.embedderId, file: options.file, message, cause });
    // onnxruntime-node's run executes synchronously on the calling thread (it only defers to setImmediate first):
    // on the main thread an encoder run would stall every other request for its ~4 ms.
    const workerData: EncoderWorkerData = { ortPath: onnxruntimePath(), file: options.file, intraOpNumThreads: options.intraOpNumThreads };
    const worker = new Worker(encoderWorkerSource(), { eval: true, workerData });
    const session = new SentenceEncoderSession(worker, options);
    const opened = await session.#request(-1);
    if (opened.error !== undefined) {
      await worker.terminate();
      throw fail(`onnxruntime cannot load ${options.file}: ${opened.error}`);
    }
    const inputs = [...(opened.inputs ?? [])].sort().join(", ");
    const outputs = (opened.outputs ?? []).join(", ");
    if (inputs !== "lengths, token_ids" || outputs !== "embeddings") {
      await worker.terminate();
      throw fail(`${options.file} has inputs [${inputs}] and outputs [${outputs}], expected [lengths, token_ids] and [embeddings]`);
    }
    return session;
  }

  /** Embeds one padded batch; returns [batch.size, dim] row-major. */
  async encode(batch: TokenBatch): Promise<Float32Array> {
    const { dim, vocabularySize, embedderId } = this.#options;
    checkIndices("token_ids", batch.tokenIds, batch.size * batch.seq, vocabularySize, "vocabulary size");
    checkIndices("lengths", batch.lengths, batch.size, batch.seq + 1, "seq + 1");
    const reply = await this.#request(this.#nextId++, { tokenIds: batch.tokenIds, lengths: batch.lengths, size: batch.size, seq: batch.seq });
    if (reply.error !== undefined) throw new Error(`${embedderId}: ${reply.error}`);
    if (!reply.data || reply.dims?.length !== 2 || reply.dims[0] !== batch.size || reply.dims[1] !== dim) {
      throw new Error(`${embedderId}: embeddings has dims [${reply.dims?.join(", ")}], expected [${batch.size}, ${dim}]`);
    }
    return reply.data;
  }

  async release(): Promise<void> {
    if (this.#failed) return;
    await this.#request(this.#nextId++, { release: true });
    await this.#worker.terminate();
  }

  /** Sends a message to the worker and waits for its reply with the same id (-1: the session opening). */
  #request(id: number, message?: EncoderMessage): Promise<EncoderReply> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolve) => {
      // Referenced only while a reply is awaited, so an idle encoder never keeps the process alive.
      this.#worker.ref();
      this.#pending.set(id, resolve);
      if (message) this.#worker.postMessage({ id, ...message } satisfies EncoderRequest);
    });
  }
}
