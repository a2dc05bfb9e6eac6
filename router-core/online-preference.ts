/**
 * Online preference layer: the user's own ratings on similar queries, added to
 * the scorer's logits at serving time.
 *
 * Why: a hand-written complement to the learned user vector. The trained router
 * reads ratings itself (training/personas.py teaches it to); this layer adds the
 * user's own evidence on similar questions, query by query. Its strength is not
 * a product constant: training chooses beta and kappa on validation users who
 * reveal few ratings (manifest.onlinePreference), and beta 0 means it lost.
 *
 * .. math::
 *    w_i = \max(0, \cos(q, q_i))^2, \quad
 *    a_m = \frac{\sum_{i: m_i = m} w_i (r_i - \tfrac12)}{\kappa + \sum_{i: m_i = m} w_i}, \quad
 *    s'_m = s_m + \beta\, a_m
 *
 * with r_i in [0,1] (the contract's rating scale), κ shrinking thin evidence
 * toward no change and β bounding the shift to ±β/2 logits.
 */
import type { RatedInteraction } from "./history-store";

export interface OnlinePreferenceOptions {
  /** Logit scale of the adjustment (at most ±beta/2 logits); 0 turns the layer off. */
  readonly beta: number;
  /** Pseudo-count of similarity weight that shrinks a model's evidence toward zero. */
  readonly kappa: number;
}

/** The layer when neither the app nor the model's manifest (onlinePreference) sets it. */
export const ONLINE_PREFERENCE_OFF: OnlinePreferenceOptions = { beta: 0, kappa: 1 };

/** Most recent interactions kept per cached user: bounds memory at about 51 KB per user. */
const MAX_EVIDENCE = 100;

/** A user's recent ratings in compact form: query directions as unit vectors quantised to int8. */
export interface PreferenceEvidence {
  readonly modelIds: readonly string[];
  readonly ratings: Float32Array;
  readonly queries: Int8Array;
  readonly dim: number;
}

function quantiseUnit(v: Float32Array, out: Int8Array, offset: number): void {
  let norm = 0;
  for (let d = 0; d < v.length; d++) norm += v[d] * v[d];
  const scale = norm > 0 ? 127 / Math.sqrt(norm) : 0;
  for (let d = 0; d < v.length; d++) out[offset + d] = Math.round(v[d] * scale);
}

/** Evidence from rated interactions (oldest first, the newest `limit` kept) and the embeddings of their queries, in the same order. */
export function buildEvidence(
  ordered: readonly Pick<RatedInteraction, "modelId" | "rating">[],
  queryEmbeddings: readonly Float32Array[],
  dim: number,
  limit = MAX_EVIDENCE,
): PreferenceEvidence {
  const start = Math.max(0, ordered.length - limit);
  const n = ordered.length - start;
  const queries = new Int8Array(n * dim);
  const ratings = new Float32Array(n);
  const modelIds: string[] = [];
  for (let i = 0; i < n; i++) {
    quantiseUnit(queryEmbeddings[start + i], queries, i * dim);
    ratings[i] = ordered[start + i].rating;
    modelIds.push(ordered[start + i].modelId);
  }
  return { modelIds, ratings, queries, dim };
}

/**
 * q · q_i for each evidence row (q_i the stored int8 direction, scaled by 127): the loop SimilarityKernel
 * (session.ts) runs in onnxruntime for large evidence, and the reference it is tested against.
 */
export function rowDots({ queries, dim }: Pick<PreferenceEvidence, "queries" | "dim">, query: Float32Array): Float64Array {
  const n = queries.length / dim;
  // Float64, as the sums are: the loop's weights stay what they were before the kernel existed.
  const dots = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    const offset = i * dim;
    for (let d = 0; d < dim; d++) dot += queries[offset + d] * query[d];
    dots[i] = dot;
  }
  return dots;
}

/**
 * Per candidate, the similarity weight Σ w_i of its evidence rows and their weighted centred rating
 * Σ w_i (r_i − ½), with w_i = max(0, cos(q, q_i))²; rows of models that are not candidates are skipped.
 * The kernel of this layer and of the population prior (population-prior.ts). `dots`: the evidence's
 * rowDots for this query when the caller computed them already (the router does for the population).
 */
export function similarityTotals(
  evidence: PreferenceEvidence | null,
  query: Float32Array,
  candidateIds: readonly string[],
  power = 2,
  dots?: Float32Array | Float64Array,
): { weighted: number[]; weights: number[] } {
  const weighted = candidateIds.map(() => 0);
  const weights = candidateIds.map(() => 0);
  if (!evidence || evidence.ratings.length === 0) return { weighted, weights };
  let norm = 0;
  for (let d = 0; d < query.length; d++) norm += query[d] * query[d];
  if (norm === 0) return { weighted, weights };
  const scale = 1 / (Math.sqrt(norm) * 127);
  const index = new Map(candidateIds.map((id, j) => [id, j]));
  const { ratings, modelIds } = evidence;
  const rowDot = dots ?? rowDots(evidence, query);
  for (let i = 0; i < ratings.length; i++) {
    const j = index.get(modelIds[i]);
    if (j === undefined) continue;
    const w = Math.max(0, rowDot[i] * scale) ** power;
    weighted[j] += w * (ratings[i] - 0.5);
    weights[j] += w;
  }
  return { weighted, weights };
}

/** β·a_m for each candidate, in candidate order; all zeros without evidence. */
export function onlineAdjustments(
  evidence: PreferenceEvidence | null,
  query: Float32Array,
  candidateIds: readonly string[],
  options: OnlinePreferenceOptions,
  /** `evidence`'s rowDots for this query, when computed already. */
  dots?: Float32Array | Float64Array,
): number[] {
  if (options.beta === 0) return candidateIds.map(() => 0);
  const { weighted, weights } = similarityTotals(evidence, query, candidateIds, undefined, dots);
  return weighted.map((x, j) => (options.beta * x) / (options.kappa + weights[j]));
}
