/**
 * Pure, deterministic feature building: rated history -> user-encoder tensors (contract.json
 * "userEncoder"), conversation -> query text (contract.json "queryText"), scores -> probabilities.
 * No I/O, no clocks, no randomness: the same input always gives byte-identical tensors.
 */
import { CONTRACT, type QueryMode } from "./contract";
import type { RatedInteraction } from "./history-store";
import type { ModelFeatures } from "./manifest";

/** The user-encoder inputs of one user's history subgraph. Flat row-major arrays. */
export interface UserGraphTensors {
  /** Rated interactions (session nodes). */
  readonly S: number;
  /** Distinct LLMs referenced by the history (llm nodes). */
  readonly M: number;
  /** follows-edges. */
  readonly C: number;
  /** Embedding width. */
  readonly D: number;
  readonly queryX: Float32Array; // [S, D]
  readonly rating: Float32Array; // [S]
  readonly responseX: Float32Array | null; // [S, D] or null when the model does not use response text
  readonly responseLen: Float32Array | null; // [S] or null when the model does not read answer lengths
  readonly llmX: Float32Array; // [M, D]
  readonly sessionLlm: BigInt64Array; // [S], values in [0, M)
  readonly chainSrc: BigInt64Array; // [C], values in [0, S)
  readonly chainDst: BigInt64Array; // [C], values in [0, S)
  /** llm node i is the model llmIds[i]. */
  readonly llmIds: readonly string[];
  /** session node i is the interaction interactionIds[i]. */
  readonly interactionIds: readonly string[];
}

function compareOldestFirst(a: RatedInteraction, b: RatedInteraction): number {
  const dt = a.createdAt.getTime() - b.createdAt.getTime();
  if (dt !== 0) return dt;
  return a.interactionId < b.interactionId ? -1 : a.interactionId > b.interactionId ? 1 : 0;
}

/**
 * Keeps the `limit` most recent interactions (createdAt, ties by interactionId) and returns them
 * oldest first; this order defines the session-node indices.
 */
export function selectRecentHistory(history: readonly RatedInteraction[], limit: number): RatedInteraction[] {
  const sorted = [...history].sort(compareOldestFirst);
  return limit >= sorted.length ? sorted : sorted.slice(sorted.length - Math.max(0, limit));
}

/**
 * follows-edges: session of turn t-1 -> session of turn t of the same conversation. When a turn
 * has several rated answers (compare mode), an answer links to the previous turn's answer by the
 * same model if there is one (the reference code's per-model track), else to every answer of t-1.
 * A turn whose predecessor was not rated (or fell outside the window) gets no edge.
 */
export function buildChainEdges(ordered: readonly RatedInteraction[]): { src: number[]; dst: number[] } {
  const byTurn = new Map<string, number[]>();
  ordered.forEach((it, i) => {
    const key = `${it.chatSessionId}\u0000${it.turnIndex}`;
    const list = byTurn.get(key);
    if (list) list.push(i);
    else byTurn.set(key, [i]);
  });
  const src: number[] = [];
  const dst: number[] = [];
  ordered.forEach((it, i) => {
    const prev = byTurn.get(`${it.chatSessionId}\u0000${it.turnIndex - 1}`);
    if (!prev) return;
    const sameModel = prev.filter((p) => ordered[p].modelId === it.modelId);
    for (const p of sameModel.length > 0 ? sameModel : prev) {
      src.push(p);
      dst.push(i);
    }
  });
  return { src, dst };
}

function copyRows(rows: readonly Float32Array[], D: number, what: string): Float32Array {
  const out = new Float32Array(rows.length * D);
  rows.forEach((row, i) => {
    if (row.length !== D) throw new RangeError(`${what}[${i}] has ${row.length} values, expected ${D}`);
    out.set(row, i * D);
  });
  return out;
}

export interface BuildUserGraphArgs {
  /** Interactions oldest first, as returned by selectRecentHistory. */
  readonly ordered: readonly RatedInteraction[];
  readonly D: number;
  /** queryEmbeddings[i] embeds ordered[i].queryText. */
  readonly queryEmbeddings: readonly Float32Array[];
  /** responseEmbeddings[i] embeds ordered[i].responseText; null when the model has no response_x input. */
  readonly responseEmbeddings: readonly Float32Array[] | null;
  /** Whether the model reads the rated answers' lengths (response_len, manifest.features.answerLength). */
  readonly answerLength: boolean;
  /** Embedding of every model id referenced by `ordered`. */
  readonly llmEmbeddings: ReadonlyMap<string, Float32Array>;
}

/** Builds the user-encoder tensors. llm nodes are numbered in order of first reference. */
export function buildUserGraph(args: BuildUserGraphArgs): UserGraphTensors {
  const { ordered, D } = args;
  const S = ordered.length;
  if (args.queryEmbeddings.length !== S) throw new RangeError(`queryEmbeddings: ${args.queryEmbeddings.length} rows for ${S} interactions`);
  if (args.responseEmbeddings && args.responseEmbeddings.length !== S) {
    throw new RangeError(`responseEmbeddings: ${args.responseEmbeddings.length} rows for ${S} interactions`);
  }
  const llmIndex = new Map<string, number>();
  const sessionLlm = new BigInt64Array(S);
  const rating = new Float32Array(S);
  ordered.forEach((it, i) => {
    let m = llmIndex.get(it.modelId);
    if (m === undefined) {
      m = llmIndex.size;
      llmIndex.set(it.modelId, m);
    }
    sessionLlm[i] = BigInt(m);
    rating[i] = it.rating;
  });
  const llmIds = [...llmIndex.keys()];
  const llmRows = llmIds.map((id) => {
    const e = args.llmEmbeddings.get(id);
    if (!e) throw new RangeError(`llmEmbeddings: no embedding for model "${id}"`);
    return e;
  });
  const chain = buildChainEdges(ordered);
  return {
    S,
    M: llmIds.length,
    C: chain.src.length,
    D,
    queryX: copyRows(args.queryEmbeddings, D, "queryEmbeddings"),
    rating,
    responseX: args.responseEmbeddings ? copyRows(args.responseEmbeddings, D, "responseEmbeddings") : null,
    responseLen: args.answerLength ? Float32Array.from(ordered, ratedAnswerLength) : null,
    llmX: copyRows(llmRows, D, "llmEmbeddings"),
    sessionLlm,
    chainSrc: BigInt64Array.from(chain.src, BigInt),
    chainDst: BigInt64Array.from(chain.dst, BigInt),
    llmIds,
    interactionIds: ordered.map((it) => it.interactionId),
  };
}

/**
 * The rated answer's standardised log length (contract "answerLength"), as training/contract.py computes it:
 * characters are Unicode code points, and an answer that was not stored reads as the average one (0).
 */
export function answerLength(text: string | null | undefined): number {
  if (text === null || text === undefined) return 0;
  let characters = 0;
  for (const _ of text) characters++;
  return answerLengthOfChars(characters);
}

/** answerLength of an answer `characters` code points long. */
export function answerLengthOfChars(characters: number): number {
  return (Math.log1p(characters) - CONTRACT.answerLength.mean) / CONTRACT.answerLength.std;
}

/** answerLength of a rated interaction: its stored length when the store gave one, else its text's. */
function ratedAnswerLength(it: RatedInteraction): number {
  return it.responseChars === null || it.responseChars === undefined ? answerLength(it.responseText) : answerLengthOfChars(it.responseChars);
}

/** Keeps the last `maxChars` characters (the contract's truncation rule). */
export function keepLastChars(text: string, maxChars: number = CONTRACT.queryText.maxChars): string {
  return text.length <= maxChars ? text : text.slice(text.length - maxChars);
}

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** Indices of the k earlier messages most similar to `current` (ties: the more recent wins), ascending. */
export function selectRetrievalTurns(current: Float32Array, earlier: readonly Float32Array[], k: number): number[] {
  return earlier
    .map((e, i) => ({ i, sim: cosineSimilarity(current, e) }))
    .sort((a, b) => b.sim - a.sim || b.i - a.i)
    .slice(0, Math.max(0, k))
    .map((x) => x.i)
    .sort((a, b) => a - b);
}

export interface BuildQueryTextArgs {
  readonly mode: QueryMode;
  /** The current user message. */
  readonly current: string;
  /** The conversation's earlier user messages, oldest first. */
  readonly earlier: readonly string[];
  /** retrieval mode only: indices into `earlier` chosen by selectRetrievalTurns. */
  readonly retrieved?: readonly number[];
}

/**
 * Builds the text embedded as the query node (contract.json "queryText"), as training/data.py
 * does: current_only is the message unchanged; full_context and retrieval join their parts
 * oldest first with the contract separator, current message last, and keep the last maxChars.
 */
export function buildQueryText({ mode, current, earlier, retrieved }: BuildQueryTextArgs): string {
  const { separator } = CONTRACT.queryText;
  if (mode === "current_only") return current;
  let parts: string[];
  if (mode === "full_context") parts = [...earlier, current];
  else parts = [...(retrieved ?? []).map((i) => earlier[i]), current];
  return keepLastChars(parts.join(separator));
}

/** Numerically stable softmax. */
export function softmax(scores: readonly number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Mean over the other candidates of P(m beats o) = sigmoid(s_m - s_o); 1 candidate -> 1. */
export function meanPairwiseWinRates(scores: readonly number[]): number[] {
  if (scores.length < 2) return scores.map(() => 1);
  return scores.map((s, m) => {
    let sum = 0;
    scores.forEach((o, j) => {
      if (j !== m) sum += 1 / (1 + Math.exp(-(s - o)));
    });
    return sum / (scores.length - 1);
  });
}

/** Index of the highest score; ties go to the earlier candidate. */
export function argmax(scores: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
}

/** Shifts minus their mean: a shift shared by every candidate changes no probability. */
export function centred(xs: readonly number[]): number[] {
  const mean = xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);
  return xs.map((x) => x - mean);
}

/** a followed by b. */
export function concatFloat32(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The subgraph of a user without history: one user node, no edges. */
export function emptyUserGraph(D: number, features: ModelFeatures): UserGraphTensors {
  return {
    S: 0,
    M: 0,
    C: 0,
    D,
    queryX: new Float32Array(0),
    rating: new Float32Array(0),
    responseX: features.responseText ? new Float32Array(0) : null,
    responseLen: features.answerLength ? new Float32Array(0) : null,
    llmX: new Float32Array(0),
    sessionLlm: new BigInt64Array(0),
    chainSrc: new BigInt64Array(0),
    chainDst: new BigInt64Array(0),
    llmIds: [],
    interactionIds: [],
  };
}
