/**
 * The sentence encoder's worker thread: it owns the onnxruntime session and answers one message per batch.
 *
 * `encoderWorkerMain` runs *inside* the worker, which receives it as source text (its own compiled code, see
 * `encoderWorkerSource`), so no separate worker file has to survive bundling by Next.js. It must therefore be
 * self-contained: it reaches everything through its arguments, never closes over this module's scope and
 * declares no named inner functions (a compiler may wrap those in a helper of its module).
 */
import type { MessagePort } from "node:worker_threads";

/** Given to the worker at start. */
export type EncoderWorkerData = { ortPath: string; file: string; intraOpNumThreads: number };

/** What the session asks of the worker: a padded batch to embed, or to release the session. */
export type EncoderMessage = { tokenIds: BigInt64Array; lengths: BigInt64Array; size: number; seq: number } | { release: true };

/** To the worker: a message with the id its reply will carry. */
export type EncoderRequest = EncoderMessage & { id: number };

/** From the worker; id -1 answers the session opening with its input and output names. */
export type EncoderReply = { id: number; error?: string; inputs?: string[]; outputs?: string[]; dims?: readonly number[]; data?: Float32Array };

type Ort = typeof import("onnxruntime-node");

export function encoderWorkerMain(load: (path: string) => unknown, port: MessagePort, data: EncoderWorkerData): void {
  const ort = load(data.ortPath) as Ort;
  const opened = ort.InferenceSession.create(data.file, {
    executionProviders: ["cpu"],
    intraOpNumThreads: data.intraOpNumThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
  });
  opened.then(
    (session) => port.postMessage({ id: -1, inputs: [...session.inputNames], outputs: [...session.outputNames] } satisfies EncoderReply),
    (err: unknown) => port.postMessage({ id: -1, error: err instanceof Error ? err.message : String(err) } satisfies EncoderReply),
  );
  port.on("message", async (request: EncoderRequest) => {
    try {
      const session = await opened;
      if ("release" in request) {
        await session.release();
        port.postMessage({ id: request.id } satisfies EncoderReply);
        return;
      }
      const out = (
        await session.run({
          token_ids: new ort.Tensor("int64", request.tokenIds, [request.size, request.seq]),
          lengths: new ort.Tensor("int64", request.lengths, [request.size]),
        })
      ).embeddings;
      const embeddings = new Float32Array(out.data as Float32Array);
      port.postMessage({ id: request.id, dims: out.dims, data: embeddings } satisfies EncoderReply, [embeddings.buffer]);
    } catch (err) {
      port.postMessage({ id: request.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies EncoderReply);
    }
  });
}

/** The CommonJS source a `new Worker(source, { eval: true, workerData })` runs: `encoderWorkerMain` as compiled. */
export function encoderWorkerSource(): string {
  return `const { parentPort, workerData } = require("node:worker_threads");\n(${encoderWorkerMain.toString()})(require, parentPort, workerData);\n`;
}
