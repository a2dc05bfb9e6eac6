/**
 * The Router interface the app programs against, and its readonly request/decision types.
 * Routing is derived from scores: the chosen model is the argmax of the scorer's logits.
 */
import type { QueryMode } from "./contract";
import type { ExecutionProviderName } from "./session";

/** A model the request allows the router to pick. */
export interface Candidate {
  /** The model id, as in the manifest's llm catalog and in RatedInteraction.modelId. */
  readonly id: string;
  /** Used (embedded) only when the manifest's catalog has never seen `id`. */
  readonly description: string;
  /**
   * Admin hints: example requests this model is for. The population prior (population-prior.ts) reads them
   * as a few pseudo-ratings, so they decide while the deployment has no ratings of the model and fade as it gets some.
   */
  readonly examples?: readonly string[];
}

export interface RouteRequest {
  readonly userId: string;
  /** The current user message. */
  readonly message: string;
  /** The conversation's earlier user messages, oldest first (for full_context / retrieval query text). */
  readonly earlierUserMessages?: readonly string[];
  /** The enabled models to choose from; order breaks score ties. */
  readonly candidates: readonly Candidate[];
  /** false: ignore the user's history and use the shared cold-start vector. Default true. */
  readonly personalization?: boolean;
}

/** What a router reads of a request to build its query text. */
export type QueryRequest = Pick<RouteRequest, "message" | "earlierUserMessages">;

/** Fields of RouteRequest; an InvalidInputError naming one of them is the caller's fault. */
export const REQUEST_FIELDS: ReadonlySet<string> = new Set(["userId", "message", "earlierUserMessages", "candidates", "personalization"]);

export interface CandidateScore {
  readonly id: string;
  /** Scorer logit plus the online preference adjustment. */
  readonly score: number;
  /** softmax over the candidates' scores (Plackett-Luce top-1 probability; sums to 1). */
  readonly probability: number;
  /** Mean over the other candidates of P(this beats other) = sigmoid(s_this - s_other). */
  readonly winRate: number;
  /** True when the manifest's llm catalog never saw this id; scored from its description's embedding. */
  readonly unseen: boolean;
  /**
   * What the user's own ratings changed in this candidate's logit, relative to the other candidates: the learned
   * router's shift from the cold-start vector (centred over the candidates) plus the online preference layer's
   * adjustment. 0 for a user without ratings.
   */
  readonly adjustment: number;
  /** What everyone's ratings on similar questions and the admin's hints add to this candidate's logit (centred). */
  readonly population: number;
}

/**
 * What decided the pick: the trained router's prior alone, the user's own ratings, everyone's ratings
 * (population), the admin's hints, an exploration turn that tries a rarely rated model, or a fallback
 * when no router could serve.
 */
export type DecisionBasis = "router" | "personal" | "population" | "hints" | "exploration" | "fallback";

export interface ColdStartState {
  /** Rated interactions in the user subgraph (0 when personalization is off). */
  readonly ratingsUsed: number;
  /**
   * True when the shared cold-start vector was used: the user has no ratings, or personalization
   * is off. That vector is the encoder's output for a user node without history, i.e. the
   * population preference learned in training.
   */
  readonly usedColdStartVector: boolean;
  readonly personalization: boolean;
}

export interface RouteTimings {
  readonly embedMs: number;
  readonly historyLoadMs: number;
  readonly userEncodeMs: number;
  readonly scoreMs: number;
  readonly totalMs: number;
}

export interface RouteDecision {
  /** The chosen model id. */
  readonly modelId: string;
  /** Every candidate, in request order. Empty on a fallback decision. */
  readonly candidates: readonly CandidateScore[];
  /** probability of the chosen model (softmax; an exploration pick has its own, lower one); 0 on a fallback decision. */
  readonly confidence: number;
  readonly coldStart: ColdStartState;
  /** null on a fallback decision. */
  readonly routerVersion: string | null;
  readonly executionProvider: ExecutionProviderName | null;
  readonly queryMode: QueryMode | null;
  /** The text embedded as the query node; persist it as the turn's queryText. */
  readonly queryText: string;
  /** Its embedding; persist it under `embeddingKey` (e.g. Turn.queryEmbedding + Turn.embedderId). */
  readonly queryEmbedding: Float32Array | null;
  readonly embedderId: string | null;
  /** `${embedderId}:${queryMode}`: the key stored embeddings are looked up by (HistoryStore). */
  readonly embeddingKey: string | null;
  /** Whether the user vector came from the cache. */
  readonly userCache: "hit" | "miss" | "bypass";
  readonly timings: RouteTimings;
  readonly basis: DecisionBasis;
  /** True when no model could be served and a fallback policy picked the model. */
  readonly fallback: boolean;
  readonly fallbackReason?: string;
}

/** A loaded router for one model version. */
export interface Router {
  readonly version: string;
  readonly executionProvider: ExecutionProviderName;
  /** What text the query node embeds; current_only never reads `earlierUserMessages`. */
  readonly queryMode: QueryMode;
  /** `${embedder id}:${queryMode}`: the key stored query embeddings are read and written under (RouteDecision.embeddingKey). */
  readonly embeddingKey: string;
  /** Scores the candidates for the request and picks the argmax. */
  route(request: RouteRequest): Promise<RouteDecision>;
  /**
   * Starts what routing the request needs before its candidates are known (embedding its query text), so
   * that a route() of the same message soon after finds it done or joins it. Never throws; route() reports.
   */
  prepare(request: QueryRequest): void;
  /** Drops the cached user vector; call when the user adds, edits or deletes a rating. */
  invalidateUser(userId: string): void;
  /**
   * Computes and caches the user's vector now (history load + encode) unless one computed since the
   * last invalidateUser is cached, so the user's next turn is a hit. After a rating is stored: call
   * invalidateUser, then this without awaiting. It never drops a vector, so it cannot undo the work
   * of a turn that already encoded the new history.
   */
  warmUser(userId: string): Promise<void>;
  /** The model ids of the manifest's llm catalog, with descriptions. */
  readonly catalog: readonly Candidate[];
  /** Releases native resources; later route() calls throw RouterClosedError. */
  close(): Promise<void>;
}
