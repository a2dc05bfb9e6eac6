/** ModelRuntime: input validation before onnxruntime, execution-provider selection. */
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { InvalidInputError, ModelLoadError } from "@/router-core/errors";
import type { UserGraphTensors } from "@/router-core/features";
import { rowDots } from "@/router-core/online-preference";
import { ModelRuntime, SimilarityKernel } from "@/router-core/session";
import { captureLogger, TOY_MODEL } from "./helpers";

/** onnxruntime's InferenceSession class; its typings expose only the factory. */
const sessionPrototype = (ort.InferenceSession as unknown as { prototype: Pick<ort.InferenceSession, "run"> }).prototype;
const D = 16;
const H = 8;
const base = {
  modelDir: TOY_MODEL,
  userEncoderFile: "user_encoder.onnx",
  scorerFile: "scorer.onnx",
  D,
  H,
  features: { responseText: false, answerLength: false },
};

function graph(overrides: Partial<UserGraphTensors> = {}): UserGraphTensors {
  const S = 3;
  const M = 2;
  return {
    S,
    M,
    C: 2,
    D,
    queryX: Float32Array.from({ length: S * D }, (_, i) => Math.cos(i)),
    rating: Float32Array.from([1, 0, 0.5]),
    responseX: null,
    responseLen: null,
    llmX: Float32Array.from({ length: M * D }, (_, i) => Math.sin(i)),
    sessionLlm: BigInt64Array.from([0n, 1n, 1n]),
    chainSrc: BigInt64Array.from([0n, 1n]),
    chainDst: BigInt64Array.from([1n, 2n]),
    llmIds: ["a", "b"],
    interactionIds: ["1", "2", "3"],
    ...overrides,
  };
}

describe("ModelRuntime input validation", () => {
  let runtime: ModelRuntime;
  beforeAll(async () => {
    runtime = await ModelRuntime.create({ ...base, device: "cpu" });
  });
  afterAll(() => runtime.release());

  const bad: [string, Partial<UserGraphTensors>, string][] = [
    ["negative session_llm", { sessionLlm: BigInt64Array.from([0n, -1n, 1n]) }, "session_llm"],
    ["session_llm == M", { sessionLlm: BigInt64Array.from([0n, 2n, 1n]) }, "session_llm"],
    ["chain_src out of range", { chainSrc: BigInt64Array.from([0n, 3n]) }, "chain_src"],
    ["negative chain_dst", { chainDst: BigInt64Array.from([1n, -3n]) }, "chain_dst"],
    ["chain length != C", { chainDst: BigInt64Array.from([1n]) }, "chain_dst"],
    ["NaN in query_x", { queryX: Float32Array.from({ length: 3 * D }, (_, i) => (i === 5 ? Number.NaN : 0)) }, "query_x"],
    ["Infinity in llm_x", { llmX: Float32Array.from({ length: 2 * D }, (_, i) => (i === 0 ? Number.POSITIVE_INFINITY : 0)) }, "llm_x"],
    ["query_x of wrong length", { queryX: new Float32Array(3 * D - 1) }, "query_x"],
    ["rating outside [0,1]", { rating: Float32Array.from([1, 1.5, 0]) }, "rating"],
    ["wrong embedding width", { D: 12 }, "query_x"],
    ["response_x for a model without it", { responseX: new Float32Array(3 * D) }, "response_x"],
    ["response_len for a model without it", { responseLen: new Float32Array(3) }, "response_len"],
  ];

  it.each(bad)("%s -> InvalidInputError, onnxruntime never runs", async (_name, overrides, field) => {
    const run = vi.spyOn(sessionPrototype, "run");
    try {
      const err = await runtime.encodeUser(graph(overrides)).catch((e: unknown) => e);
      expect(InvalidInputError.isInstance(err), String(err)).toBe(true);
      expect((err as InvalidInputError).field).toBe(field);
      expect(run).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
    }
  });

  it("the spy does see valid calls (so the checks above can fail)", async () => {
    const run = vi.spyOn(sessionPrototype, "run");
    try {
      const v = await runtime.encodeUser(graph());
      expect(v).toHaveLength(H);
      expect(run).toHaveBeenCalledTimes(1);
    } finally {
      run.mockRestore();
    }
  });

  it("scorer inputs are validated too", async () => {
    const ok = { userVec: new Float32Array(H), queryX: new Float32Array(D), llmX: new Float32Array(2 * D), B: 1, M: 2 };
    expect(await runtime.score(ok)).toHaveLength(2);
    for (const [x, field] of [
      [{ ...ok, M: 0, llmX: new Float32Array(0) }, "M"],
      [{ ...ok, userVec: new Float32Array(H + 1) }, "user_vec"],
      [{ ...ok, queryX: Float32Array.from({ length: D }, () => Number.NaN) }, "query_x"],
    ] as const) {
      const err = await runtime.score(x).catch((e: unknown) => e);
      expect((err as InvalidInputError).field).toBe(field);
    }
  });
});

describe("execution provider", () => {
  it("device=cuda on this CPU-only machine fails at create with a clear ModelLoadError", async () => {
    const err = await ModelRuntime.create({ ...base, device: "cuda" }).catch((e: unknown) => e);
    expect(ModelLoadError.isInstance(err), String(err)).toBe(true);
    expect((err as ModelLoadError).reason).toBe("device-unavailable");
    expect((err as Error).message).toMatch(/cuda/i);
    expect((err as Error).message).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
  });

  it("device=cuda where no CUDA provider is listed fails before reading the model", async () => {
    const err = await ModelRuntime.create({ ...base, modelDir: "/nonexistent", device: "cuda", _supportedBackends: () => ["cpu"] }).catch((e: unknown) => e);
    expect((err as ModelLoadError).reason).toBe("device-unavailable");
  });

  it("device=auto falls back to CPU and says so through the injected logger", async () => {
    const logger = captureLogger();
    const runtime = await ModelRuntime.create({ ...base, device: "auto", logger });
    try {
      expect(runtime.provider).toBe("cpu");
      expect(logger.lines.some((l) => /CUDA/.test(l.message) && /CPU/.test(l.message))).toBe(true);
    } finally {
      await runtime.release();
    }
  });

  it("device=auto tries CUDA when its library is installed and falls back on failure with a warning", async () => {
    const logger = captureLogger();
    const runtime = await ModelRuntime.create({ ...base, device: "auto", logger, _cudaLibraryInstalled: () => true });
    try {
      expect(runtime.provider).toBe("cpu");
      expect(logger.lines.some((l) => l.level === "warn" && /falling back to CPU/.test(l.message))).toBe(true);
    } finally {
      await runtime.release();
    }
  });

  it("a released runtime refuses to run", async () => {
    const runtime = await ModelRuntime.create({ ...base, device: "cpu" });
    await runtime.release();
    await expect(runtime.encodeUser(graph())).rejects.toThrow(/release/);
  });
});

describe("SimilarityKernel", () => {
  let kernel: SimilarityKernel;
  beforeAll(async () => {
    kernel = await SimilarityKernel.create();
  });
  afterAll(async () => {
    await kernel.release();
  });

  /** Seeded, so a failure reproduces. */
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  it("computes the dot products rowDots computes, for the population's shape and for a single row", async () => {
    const next = random(7);
    const dim = 512;
    const query = Float32Array.from({ length: dim }, () => next() * 2 - 1);
    for (const n of [1_000, 1]) {
      const evidence = { queries: Int8Array.from({ length: n * dim }, () => Math.round(next() * 254 - 127)), dim };
      const expected = rowDots(evidence, query);
      const got = await kernel.rowDots(evidence.queries, dim, query);
      expect(got).toHaveLength(n);
      // float32 sums in another order: equal to a few parts in a million of the largest possible dot product
      const bound = 127 * dim * 1e-6;
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(bound);
    }
  });

  it("keeps answering for the same rows with a new query (the rows' tensor is reused, not stale)", async () => {
    const rows = Int8Array.from([1, 0, 0, 1, 2, 2]);
    expect(Array.from(await kernel.rowDots(rows, 2, Float32Array.from([1, 0])))).toEqual([1, 0, 2]);
    expect(Array.from(await kernel.rowDots(rows, 2, Float32Array.from([0, 3])))).toEqual([0, 3, 6]);
  });

  it("refuses rows that are not a whole number of the query's width", async () => {
    await expect(kernel.rowDots(Int8Array.from([1, 2, 3]), 2, Float32Array.from([1, 0]))).rejects.toThrow(InvalidInputError);
    await expect(kernel.rowDots(Int8Array.from([1, 2, 3, 4]), 2, Float32Array.from([1, 0, 0]))).rejects.toThrow(/rows: 4 values/);
  });

  it("names the file when the kernel is missing", async () => {
    await expect(SimilarityKernel.create("router-core/kernels/missing.onnx")).rejects.toThrow(
      expect.objectContaining({ name: "ModelLoadError", message: expect.stringContaining("router-core/kernels/missing.onnx") }),
    );
  });
});
