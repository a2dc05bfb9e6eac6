/**
 * Runs a model's parity.json (PyTorch inputs and outputs written by training's export) through the
 * ONNX sessions, via the same validated path that serving uses. Used by create() and by tests.
 */
import { z } from "zod";
import { CONTRACT } from "./contract";
import { ModelLoadError } from "./errors";
import type { UserGraphTensors } from "./features";
import type { ModelRuntime } from "./session";

const tensorSchema = z.object({ dims: z.array(z.number().int().nonnegative()), data: z.array(z.number()) });
type JsonTensor = z.infer<typeof tensorSchema>;
const tensorsSchema = z.record(z.string(), tensorSchema);

export const parityFileSchema = z
  .object({
    cases: z
      .array(
        z
          .object({
            name: z.string(),
            userEncoder: z.object({ inputs: tensorsSchema, expected: z.object({ user_vec: tensorSchema }).loose() }).loose(),
            scorer: z.object({ inputs: tensorsSchema, expected: z.object({ scores: tensorSchema }).loose() }).loose(),
          })
          .loose(),
      )
      .min(1),
  })
  .loose();
export type ParityFile = z.infer<typeof parityFileSchema>;
export type ParityCase = ParityFile["cases"][number];

export interface ParityCaseResult {
  readonly name: string;
  readonly S: number;
  readonly M: number;
  readonly C: number;
  readonly userEncoderMaxAbsDiff: number;
  readonly scorerMaxAbsDiff: number;
}

function need(inputs: Record<string, JsonTensor>, name: string): JsonTensor {
  const t = inputs[name];
  if (!t) throw new Error(`parity case lacks input ${name}`);
  return t;
}

/** Converts a parity case's user-encoder inputs into the tensors the runtime takes. */
export function parityUserGraph(c: ParityCase): UserGraphTensors {
  const inputs = c.userEncoder.inputs;
  const queryX = need(inputs, "query_x");
  const llmX = need(inputs, "llm_x");
  const src = need(inputs, "chain_src");
  const dst = need(inputs, "chain_dst");
  const responseX = inputs.response_x;
  const responseLen = inputs.response_len;
  return {
    S: queryX.dims[0],
    M: llmX.dims[0],
    C: src.dims[0],
    D: queryX.dims[1],
    queryX: Float32Array.from(queryX.data),
    rating: Float32Array.from(need(inputs, "rating").data),
    responseX: responseX ? Float32Array.from(responseX.data) : null,
    responseLen: responseLen ? Float32Array.from(responseLen.data) : null,
    llmX: Float32Array.from(llmX.data),
    sessionLlm: BigInt64Array.from(need(inputs, "session_llm").data, (v) => BigInt(v)),
    chainSrc: BigInt64Array.from(src.data, (v) => BigInt(v)),
    chainDst: BigInt64Array.from(dst.data, (v) => BigInt(v)),
    llmIds: [],
    interactionIds: [],
  };
}

function maxAbsDiff(got: Float32Array, want: readonly number[]): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
  return Number.isNaN(max) ? Number.POSITIVE_INFINITY : max;
}

/** Runs every case; returns the max abs difference per case (compare with CONTRACT.parity.tolerance). */
export async function runParity(runtime: ModelRuntime, parity: ParityFile): Promise<ParityCaseResult[]> {
  const results: ParityCaseResult[] = [];
  for (const c of parity.cases) {
    const graph = parityUserGraph(c);
    const userVec = await runtime.encodeUser(graph);
    const s = c.scorer.inputs;
    const scorerUser = need(s, "user_vec");
    const scorerLlm = need(s, "llm_x");
    const scores = await runtime.score({
      userVec: Float32Array.from(scorerUser.data),
      queryX: Float32Array.from(need(s, "query_x").data),
      llmX: Float32Array.from(scorerLlm.data),
      B: scorerUser.dims[0],
      M: scorerLlm.dims[0],
    });
    results.push({
      name: c.name,
      S: graph.S,
      M: graph.M,
      C: graph.C,
      userEncoderMaxAbsDiff: maxAbsDiff(userVec, c.userEncoder.expected.user_vec.data),
      scorerMaxAbsDiff: maxAbsDiff(scores, c.scorer.expected.scores.data),
    });
  }
  return results;
}

/** Parses parity.json content; throws ModelLoadError(corrupt). */
export function parseParityFile(json: unknown, modelDir: string, file: string): ParityFile {
  const parsed = parityFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelLoadError({ reason: "corrupt", modelDir, file, message: `parity field "${issue.path.join(".")}": ${issue.message}` });
  }
  return parsed.data;
}

/** Throws ModelLoadError(parity-failed) when any case exceeds the contract tolerance. */
export async function verifyParity(runtime: ModelRuntime, parity: ParityFile, modelDir: string, file: string): Promise<ParityCaseResult[]> {
  const tolerance = CONTRACT.parity.tolerance;
  const results = await runParity(runtime, parity);
  const bad = results.find((r) => !(r.userEncoderMaxAbsDiff <= tolerance && r.scorerMaxAbsDiff <= tolerance));
  if (bad) {
    throw new ModelLoadError({
      reason: "parity-failed",
      modelDir,
      file,
      message: `case "${bad.name}": max abs diff user_vec ${bad.userEncoderMaxAbsDiff}, scores ${bad.scorerMaxAbsDiff} > tolerance ${tolerance}`,
    });
  }
  return results;
}
