/**
 * Typed errors of router-core. Callers branch with `XxxError.isInstance(err)`, which checks a
 * `Symbol.for` marker and therefore survives duplicate copies of this module (bundlers, tests).
 * No error here knows anything about HTTP; the app maps them to its own codes.
 */

const ROUTER_ERROR = Symbol.for("switchboard.router-core.error");

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/** Base class of every error router-core throws on purpose. */
export class RouterError extends Error {
  readonly [ROUTER_ERROR] = true;

  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }

  static isInstance(error: unknown): error is RouterError {
    return hasMarker(error, ROUTER_ERROR);
  }
}

const MODEL_LOAD = Symbol.for("switchboard.router-core.error.model-load");

/** Why a model could not be loaded. */
export type ModelLoadReason =
  | "missing" // a file is absent
  | "corrupt" // a file exists but cannot be parsed / loaded by onnxruntime
  | "contract-mismatch" // manifest or ONNX graph disagrees with contract.json
  | "parity-failed" // ONNX outputs differ from the trainer's parity.json beyond tolerance
  | "device-unavailable"; // the requested execution provider does not exist here

/** The model at `modelDir` cannot be served. Thrown by `create()`, never mid-request. */
export class ModelLoadError extends RouterError {
  readonly [MODEL_LOAD] = true;
  readonly reason: ModelLoadReason;
  readonly modelDir: string;
  readonly file: string | undefined;

  constructor(args: { reason: ModelLoadReason; modelDir: string; file?: string; message: string; cause?: unknown }) {
    super("ModelLoadError", `${args.message} (model ${args.modelDir}${args.file ? `, file ${args.file}` : ""})`, {
      cause: args.cause,
    });
    this.reason = args.reason;
    this.modelDir = args.modelDir;
    this.file = args.file;
  }

  static override isInstance(error: unknown): error is ModelLoadError {
    return hasMarker(error, MODEL_LOAD);
  }
}

const EMBEDDER_MISMATCH = Symbol.for("switchboard.router-core.error.embedder-mismatch");

/** The model was trained with another embedder than the one configured. */
export class EmbedderMismatchError extends RouterError {
  readonly [EMBEDDER_MISMATCH] = true;
  readonly expectedEmbedderId: string;
  readonly actualEmbedderId: string;
  readonly modelDir: string;

  constructor(args: { expectedEmbedderId: string; actualEmbedderId: string; modelDir: string; detail?: string }) {
    super(
      "EmbedderMismatchError",
      `model ${args.modelDir} was trained with embedder "${args.expectedEmbedderId}" but the active embedder is ` +
        `"${args.actualEmbedderId}"${args.detail ? ` (${args.detail})` : ""}`,
    );
    this.expectedEmbedderId = args.expectedEmbedderId;
    this.actualEmbedderId = args.actualEmbedderId;
    this.modelDir = args.modelDir;
  }

  static override isInstance(error: unknown): error is EmbedderMismatchError {
    return hasMarker(error, EMBEDDER_MISMATCH);
  }
}

const INVALID_INPUT = Symbol.for("switchboard.router-core.error.invalid-input");

/** A request or tensor input failed validation; nothing reached onnxruntime. */
export class InvalidInputError extends RouterError {
  readonly [INVALID_INPUT] = true;
  /** Name of the offending field or tensor, e.g. "session_llm" or "candidates". */
  readonly field: string;

  constructor(args: { field: string; message: string }) {
    super("InvalidInputError", `${args.field}: ${args.message}`);
    this.field = args.field;
  }

  static override isInstance(error: unknown): error is InvalidInputError {
    return hasMarker(error, INVALID_INPUT);
  }
}

const NO_ELIGIBLE_MODEL = Symbol.for("switchboard.router-core.error.no-eligible-model");

/** The request offered no candidate that can be routed to. */
export class NoEligibleModelError extends RouterError {
  readonly [NO_ELIGIBLE_MODEL] = true;
  readonly candidateIds: readonly string[];

  constructor(args: { candidateIds: readonly string[]; message?: string }) {
    super("NoEligibleModelError", args.message ?? "no eligible candidate model in the request");
    this.candidateIds = args.candidateIds;
  }

  static override isInstance(error: unknown): error is NoEligibleModelError {
    return hasMarker(error, NO_ELIGIBLE_MODEL);
  }
}

const ROUTER_CLOSED = Symbol.for("switchboard.router-core.error.router-closed");

/** A call reached a router whose sessions were already released. */
export class RouterClosedError extends RouterError {
  readonly [ROUTER_CLOSED] = true;
  readonly routerVersion: string;

  constructor(args: { routerVersion: string }) {
    super("RouterClosedError", `router ${args.routerVersion} is closed`);
    this.routerVersion = args.routerVersion;
  }

  static override isInstance(error: unknown): error is RouterClosedError {
    return hasMarker(error, ROUTER_CLOSED);
  }
}

const EMBEDDER_LOAD = Symbol.for("switchboard.router-core.error.embedder-load");

/** The sentence encoder cannot start: its model file is missing or onnxruntime cannot load it. */
export class EmbedderLoadError extends RouterError {
  readonly [EMBEDDER_LOAD] = true;
  readonly embedderId: string;
  readonly file: string;

  constructor(args: { embedderId: string; file: string; message: string; cause?: unknown }) {
    super("EmbedderLoadError", `embedder ${args.embedderId}: ${args.message}`, { cause: args.cause });
    this.embedderId = args.embedderId;
    this.file = args.file;
  }

  static override isInstance(error: unknown): error is EmbedderLoadError {
    return hasMarker(error, EMBEDDER_LOAD);
  }
}
