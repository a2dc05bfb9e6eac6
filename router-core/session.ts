/**
 * The only importer of onnxruntime-node. Loads user_encoder.onnx + scorer.onnx once per model
 * version, checks their inputs/outputs against contract.json, picks the execution provider, and
 * validates every tensor in TypeScript before `run` (onnxruntime silently wraps negative indices).
 * Also runs the similarity kernel (one MatMul) that the population prior's dot products use.
 * (The sentence encoder's session, encoder-session.ts, loads it by path in a worker thread.)
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
import { CONTRACT, type Contract, type GraphFileSpec } from "./contract";
import { InvalidInputError, ModelLoadError } from "./errors";
import type { UserGraphTensors } from "./features";
import type { ModelFeatures } from "./manifest";

export type DeviceOption = "auto" | "cuda" | "cpu";
export type ExecutionProviderName = "cuda" | "cpu";

/** Structured logger injected by the app; router-core never writes to the console itself. */
export interface RouterLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: RouterLogger = { info() {}, warn() {} };

export interface ModelRuntimeOptions {
  readonly modelDir: string;
  readonly userEncoderFile: string;
  readonly scorerFile: string;
  /** Embedding width D and user-vector width H from the manifest. */
  readonly D: number;
  readonly H: number;
  /** Which optional user-encoder inputs the model takes (manifest.features). */
  readonly features: ModelFeatures;
  readonly device?: DeviceOption;
  readonly logger?: RouterLogger;
  readonly contract?: Contract;
  /** Test seam: the execution providers this onnxruntime-node build offers. */
  readonly _supportedBackends?: () => readonly string[];
  /** Test seam: whether the CUDA provider library is installed next to the binding. */
  readonly _cudaLibraryInstalled?: () => boolean;
}

/**
 * onnxruntime-node lists "cuda" on every linux-x64 build (bundled: false) but ships its provider
 * library only when installed with ONNXRUNTIME_NODE_INSTALL=cuda12. Looking for the library
 * lets device "auto" skip a doomed CUDA attempt (and onnxruntime's native error print).
 */
function cudaLibraryInstalled(): boolean {
  try {
    const pkg = createRequire(import.meta.url).resolve("onnxruntime-node/package.json");
    return existsSync(join(dirname(pkg), "bin", "napi-v6", process.platform, process.arch, "libonnxruntime_providers_cuda.so"));
  } catch {
    return false;
  }
}

export interface ScoreInputs {
  /** [B, H] */
  readonly userVec: Float32Array;
  /** [B, D] */
  readonly queryX: Float32Array;
  /** [M, D] */
  readonly llmX: Float32Array;
  readonly B: number;
  readonly M: number;
}

function invalid(field: string, message: string): never {
  throw new InvalidInputError({ field, message });
}

function checkFloats(field: string, data: Float32Array, expectedLength: number): void {
  if (data.length !== expectedLength) invalid(field, `has ${data.length} values, expected ${expectedLength}`);
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) invalid(field, `value ${i} is not finite (${data[i]})`);
}

export function checkIndices(field: string, data: BigInt64Array, expectedLength: number, upper: number, upperName: string): void {
  if (data.length !== expectedLength) invalid(field, `has ${data.length} values, expected ${expectedLength}`);
  const hi = BigInt(upper);
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0n || data[i] >= hi) invalid(field, `value ${i} is ${data[i]}, outside [0, ${upperName}=${upper})`);
  }
}

function checkCount(field: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) invalid(field, `must be a non-negative integer, got ${n}`);
}

/** Validates user-encoder inputs; exported for tests. Throws InvalidInputError naming the tensor. */
export function validateUserGraph(t: UserGraphTensors, D: number, features: ModelFeatures): void {
  checkCount("S", t.S);
  checkCount("M", t.M);
  checkCount("C", t.C);
  if (t.D !== D) invalid("query_x", `embedding width ${t.D} != model width ${D}`);
  checkFloats("query_x", t.queryX, t.S * D);
  checkFloats("rating", t.rating, t.S);
  for (let i = 0; i < t.S; i++) if (t.rating[i] < 0 || t.rating[i] > 1) invalid("rating", `value ${i} is ${t.rating[i]}, outside [0, 1]`);
  if (features.responseText) {
    if (!t.responseX) invalid("response_x", "required by this model (features.responseText) but missing");
    checkFloats("response_x", t.responseX!, t.S * D);
  } else if (t.responseX) invalid("response_x", "given but this model has no response_x input");
  if (features.answerLength) {
    if (!t.responseLen) invalid("response_len", "required by this model (features.answerLength) but missing");
    checkFloats("response_len", t.responseLen!, t.S);
  } else if (t.responseLen) invalid("response_len", "given but this model has no response_len input");
  checkFloats("llm_x", t.llmX, t.M * D);
  checkIndices("session_llm", t.sessionLlm, t.S, t.M, "M");
  checkIndices("chain_src", t.chainSrc, t.C, t.S, "S");
  checkIndices("chain_dst", t.chainDst, t.C, t.S, "S");
}

/** Validates scorer inputs; exported for tests. */
export function validateScoreInputs(x: ScoreInputs, D: number, H: number): void {
  if (!Number.isInteger(x.B) || x.B < 1) invalid("B", `must be a positive integer, got ${x.B}`);
  if (!Number.isInteger(x.M) || x.M < 1) invalid("M", `must be a positive integer, got ${x.M}`);
  checkFloats("user_vec", x.userVec, x.B * H);
  checkFloats("query_x", x.queryX, x.B * D);
  checkFloats("llm_x", x.llmX, x.M * D);
}

function describeGraphMismatch(session: ort.InferenceSession, spec: GraphFileSpec, dims: Record<string, number>, features: ModelFeatures): string | null {
  // an optional input is there exactly when the manifest turns on the feature the contract names for it
  const expectedInputs = spec.inputs.filter((i) => !i.optional || (i.feature !== undefined && (features as Record<string, unknown>)[i.feature] === true));
  const names = (list: readonly { name: string }[]) =>
    list
      .map((x) => x.name)
      .sort()
      .join(", ");
  if (names(expectedInputs) !== [...session.inputNames].sort().join(", ")) {
    return `inputs are [${[...session.inputNames].join(", ")}], contract expects [${names(expectedInputs)}]`;
  }
  if (names(spec.outputs) !== [...session.outputNames].sort().join(", ")) {
    return `outputs are [${[...session.outputNames].join(", ")}], contract expects [${names(spec.outputs)}]`;
  }
  const metadata = [...session.inputMetadata, ...session.outputMetadata];
  for (const tensor of [...expectedInputs, ...spec.outputs]) {
    const meta = metadata.find((m) => m.name === tensor.name);
    if (!meta?.isTensor) return `${tensor.name} is not a tensor`;
    if (meta.type !== tensor.dtype) return `${tensor.name} has dtype ${meta.type}, contract expects ${tensor.dtype}`;
    if (meta.shape.length === 0) continue; // shape not recorded in the graph
    if (meta.shape.length !== tensor.shape.length) return `${tensor.name} has rank ${meta.shape.length}, contract expects ${tensor.shape.length}`;
    for (let k = 0; k < tensor.shape.length; k++) {
      const want = typeof tensor.shape[k] === "number" ? (tensor.shape[k] as number) : dims[tensor.shape[k] as string];
      const got = meta.shape[k];
      if (want !== undefined && typeof got === "number" && got >= 0 && got !== want) {
        return `${tensor.name} dim ${k} is ${got}, expected ${want} (${String(tensor.shape[k])})`;
      }
    }
  }
  return null;
}

/** The two ONNX sessions of one model version. */
export class ModelRuntime {
  readonly provider: ExecutionProviderName;
  readonly D: number;
  readonly H: number;
  readonly features: ModelFeatures;
  readonly #encoder: ort.InferenceSession;
  readonly #scorer: ort.InferenceSession;
  readonly #similarity: SimilarityKernel;
  #released = false;

  private constructor(args: {
    encoder: ort.InferenceSession;
    scorer: ort.InferenceSession;
    similarity: SimilarityKernel;
    provider: ExecutionProviderName;
    D: number;
    H: number;
    features: ModelFeatures;
  }) {
    this.#encoder = args.encoder;
    this.#scorer = args.scorer;
    this.#similarity = args.similarity;
    this.provider = args.provider;
    this.D = args.D;
    this.H = args.H;
    this.features = args.features;
  }

  /** Loads both graphs, checks them against the contract and picks the execution provider; and the similarity kernel. */
  static async create(options: ModelRuntimeOptions): Promise<ModelRuntime> {
    const { modelDir, D, H } = options;
    const contract = options.contract ?? CONTRACT;
    const logger = options.logger ?? silentLogger;
    const device = options.device ?? "auto";
    const supported = (options._supportedBackends ?? (() => ort.listSupportedBackends().map((b) => b.name)))();
    const cudaListed = supported.includes("cuda");
    const cudaInstalled = cudaListed && (options._cudaLibraryInstalled ?? cudaLibraryInstalled)();
    // "cuda" is attempted whenever listed (and fails at create with a clear error); "auto" only when installed
    const cudaOffered = device === "cuda" ? cudaListed : cudaInstalled;
    if (device === "cuda" && !cudaOffered) {
      throw new ModelLoadError({
        reason: "device-unavailable",
        modelDir,
        message: `device "cuda" requested but this onnxruntime-node build offers only [${supported.join(", ")}]; install it with ONNXRUNTIME_NODE_INSTALL=cuda12 on a CUDA machine, or use device "auto" or "cpu"`,
      });
    }
    const bytes = await Promise.all(
      [options.userEncoderFile, options.scorerFile].map(async (file) => {
        try {
          return await readFile(join(modelDir, file));
        } catch (cause) {
          throw new ModelLoadError({ reason: "missing", modelDir, file, message: "cannot read ONNX file", cause });
        }
      }),
    );
    const open = async (provider: ExecutionProviderName) => {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: provider === "cuda" ? (device === "cuda" ? ["cuda"] : ["cuda", "cpu"]) : ["cpu"],
        intraOpNumThreads: 1, // ScatterND(add) races with more threads (docs/onnx-export.md)
        interOpNumThreads: 1,
        graphOptimizationLevel: "all",
        logSeverityLevel: 3,
      };
      const files = [options.userEncoderFile, options.scorerFile];
      const sessions: ort.InferenceSession[] = [];
      for (let i = 0; i < 2; i++) {
        try {
          sessions.push(await ort.InferenceSession.create(bytes[i], sessionOptions));
        } catch (cause) {
          await Promise.all(sessions.map((s) => s.release()));
          const message = cause instanceof Error ? cause.message : String(cause);
          throw new ModelLoadError({
            reason: provider === "cuda" && /cuda|provider|shared library/i.test(message) ? "device-unavailable" : "corrupt",
            modelDir,
            file: files[i],
            message:
              provider === "cuda" && device === "cuda"
                ? `device "cuda" requested but the CUDA execution provider failed to initialise (${message}); install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 on a machine with CUDA 12, or use device "auto" or "cpu"`
                : `onnxruntime cannot load the graph with provider ${provider}: ${message}`,
            cause,
          });
        }
      }
      return sessions;
    };
    let provider: ExecutionProviderName = device === "cpu" || !cudaOffered ? "cpu" : "cuda";
    if (device === "auto" && !cudaOffered) {
      logger.info("router-core: CUDA execution provider not available, using CPU", { modelDir, listed: cudaListed, installed: cudaInstalled });
    }
    let sessions: ort.InferenceSession[];
    try {
      sessions = await open(provider);
    } catch (err) {
      if (!(device === "auto" && provider === "cuda")) throw err;
      logger.warn("router-core: CUDA session creation failed, falling back to CPU", { modelDir, error: String(err) });
      provider = "cpu";
      sessions = await open(provider);
    }
    const [encoder, scorer] = sessions;
    const dims = { D, H, "1": 1 };
    const checks: [ort.InferenceSession, GraphFileSpec, string][] = [
      [encoder, contract.userEncoder, options.userEncoderFile],
      [scorer, contract.scorer, options.scorerFile],
    ];
    for (const [session, spec, file] of checks) {
      const problem = describeGraphMismatch(session, spec, dims, options.features);
      if (problem) {
        await Promise.all(sessions.map((s) => s.release()));
        throw new ModelLoadError({ reason: "contract-mismatch", modelDir, file, message: problem });
      }
    }
    let similarity: SimilarityKernel;
    try {
      similarity = await SimilarityKernel.create();
    } catch (err) {
      await Promise.all(sessions.map((s) => s.release()));
      throw err;
    }
    logger.info("router-core: model sessions created", { modelDir, provider });
    return new ModelRuntime({ encoder, scorer, similarity, provider, D, H, features: options.features });
  }

  get released(): boolean {
    return this.#released;
  }

  /** Runs the user encoder on one user's subgraph; returns user_vec [H]. */
  async encodeUser(t: UserGraphTensors): Promise<Float32Array> {
    this.#checkOpen();
    validateUserGraph(t, this.D, this.features);
    const feeds: Record<string, ort.Tensor> = {
      query_x: new ort.Tensor("float32", t.queryX, [t.S, this.D]),
      rating: new ort.Tensor("float32", t.rating, [t.S]),
      llm_x: new ort.Tensor("float32", t.llmX, [t.M, this.D]),
      session_llm: new ort.Tensor("int64", t.sessionLlm, [t.S]),
      chain_src: new ort.Tensor("int64", t.chainSrc, [t.C]),
      chain_dst: new ort.Tensor("int64", t.chainDst, [t.C]),
    };
    if (this.features.responseText) feeds.response_x = new ort.Tensor("float32", t.responseX!, [t.S, this.D]);
    if (this.features.answerLength) feeds.response_len = new ort.Tensor("float32", t.responseLen!, [t.S]);
    const out = (await this.#encoder.run(feeds)).user_vec;
    if (out?.dims.length !== 2 || out.dims[0] !== 1 || out.dims[1] !== this.H) {
      throw new ModelLoadError({
        reason: "contract-mismatch",
        modelDir: "(loaded)",
        message: `user_vec has dims [${out?.dims.join(", ")}], expected [1, ${this.H}]`,
      });
    }
    return out.data as Float32Array;
  }

  /** Runs the scorer; returns scores [B, M] row-major. */
  async score(x: ScoreInputs): Promise<Float32Array> {
    this.#checkOpen();
    validateScoreInputs(x, this.D, this.H);
    const out = (
      await this.#scorer.run({
        user_vec: new ort.Tensor("float32", x.userVec, [x.B, this.H]),
        query_x: new ort.Tensor("float32", x.queryX, [x.B, this.D]),
        llm_x: new ort.Tensor("float32", x.llmX, [x.M, this.D]),
      })
    ).scores;
    if (out?.dims.length !== 2 || out.dims[0] !== x.B || out.dims[1] !== x.M) {
      throw new ModelLoadError({
        reason: "contract-mismatch",
        modelDir: "(loaded)",
        message: `scores has dims [${out?.dims.join(", ")}], expected [${x.B}, ${x.M}]`,
      });
    }
    return out.data as Float32Array;
  }

  /** The query's dot product with each row of `evidence` (SimilarityKernel.rowDots). */
  rowDots(evidence: { readonly queries: Int8Array; readonly dim: number }, query: Float32Array): Promise<Float32Array> {
    this.#checkOpen();
    return this.#similarity.rowDots(evidence.queries, evidence.dim, query);
  }

  /** Releases the sessions; later calls throw. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await Promise.all([this.#encoder.release(), this.#scorer.release(), this.#similarity.release()]);
  }

  #checkOpen(): void {
    if (this.#released) throw new Error("ModelRuntime used after release()");
  }
}

/** Built by scripts/build-similarity-onnx.py and committed (a few hundred bytes); relative to the working directory. */
export const SIMILARITY_KERNEL_FILE = "router-core/kernels/similarity.onnx";

/**
 * Dot products of one query with many stored int8 rows, in onnxruntime's MatMul: for the population prior's
 * 1,000 rows of 512 dimensions about 0.1 ms, against about 2 ms as a JavaScript loop on the event loop
 * (bench/routing/population-kernel.ts). Always on the CPU: a GPU round trip costs more than the product. The rows of each
 * int8 array are widened to float32 once and kept while the array lives (a population sample: ~2 MB).
 */
export class SimilarityKernel {
  readonly #session: ort.InferenceSession;
  readonly #rows = new WeakMap<Int8Array, ort.Tensor>();

  private constructor(session: ort.InferenceSession) {
    this.#session = session;
  }

  static async create(file: string = SIMILARITY_KERNEL_FILE): Promise<SimilarityKernel> {
    let bytes: Uint8Array;
    try {
      // A fixed path beside the package, like the encoder's: next.config.ts lists it for the standalone server.
      bytes = await readFile(/* turbopackIgnore: true */ file);
    } catch (cause) {
      throw new ModelLoadError({ reason: "missing", modelDir: dirname(file), file, message: "cannot read the similarity kernel", cause });
    }
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"], intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
    return new SimilarityKernel(session);
  }

  /** rows · query for each row of `rows` (row-major, `dim` wide), as rowDots (online-preference.ts) computes them. */
  async rowDots(rows: Int8Array, dim: number, query: Float32Array): Promise<Float32Array> {
    if (query.length !== dim || rows.length % dim !== 0) {
      throw new InvalidInputError({ field: "rows", message: `${rows.length} values are not rows of the query's ${query.length} dimensions (dim ${dim})` });
    }
    let tensor = this.#rows.get(rows);
    if (!tensor) {
      tensor = new ort.Tensor("float32", Float32Array.from(rows), [rows.length / dim, dim]);
      this.#rows.set(rows, tensor);
    }
    const { dots } = await this.#session.run({ rows: tensor, query: new ort.Tensor("float32", query, [dim, 1]) });
    return dots.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.#session.release();
  }
}
