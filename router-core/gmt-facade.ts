/**
 * A GMTRouter/LLMRouter-style API (snake_case fields) over a Router or RouterRegistry.
 * updateUserFeedback records the rating through HistoryStore.recordRating, exactly like an
 * in-app rating becomes a response node, then invalidates the user's cached vector.
 */
import { InvalidInputError } from "./errors";
import type { HistoryStore } from "./history-store";
import { ratingFromFeedback0to5 } from "./rating";
import type { Candidate, RouteDecision, RouteRequest } from "./router";

/** Anything that routes and can drop a user's cached vector: an OnnxRouter or a RouterRegistry. */
export interface RoutingTarget {
  route(request: RouteRequest): Promise<RouteDecision>;
  invalidateUser(userId: string): void;
}

export type GmtHistoryMessage = string | { readonly role: string; readonly content: string };

export interface GmtQuery {
  readonly query_text: string;
  readonly user_id: string;
  readonly session_id?: string;
  readonly turn?: number;
  /** Earlier messages of the conversation, oldest first; plain strings count as user messages. */
  readonly conversation_history?: readonly GmtHistoryMessage[];
}

export interface GmtRouteResult {
  readonly model_name: string;
  /** softmax probability of the chosen model (0 on a fallback decision). */
  readonly confidence: number;
  readonly user_preference: {
    readonly ratings_used: number;
    readonly cold_start: boolean;
    readonly personalization: boolean;
    /** softmax probability per candidate. */
    readonly probabilities: Readonly<Record<string, number>>;
  };
  readonly reasoning: string;
  /** Raw scorer logit per candidate. */
  readonly scores: Readonly<Record<string, number>>;
  readonly router_version: string | null;
  readonly fallback: boolean;
}

export interface GmtFeedback {
  readonly user_id: string;
  readonly query: string;
  readonly model: string;
  /** 0..5; mapped to r = rating / 5. */
  readonly rating: number;
  readonly session_id?: string;
  readonly turn?: number;
  readonly response?: string;
  /** Earlier messages of the conversation (stored as the interaction's context). */
  readonly conversation_history?: readonly GmtHistoryMessage[];
}

export interface GmtRouterFacadeOptions {
  readonly router: RoutingTarget;
  readonly store: HistoryStore;
  /** The models to route between. */
  readonly candidates: readonly Candidate[];
  /** Default true; false routes every user with the shared cold-start vector. */
  readonly personalization?: boolean;
}

function earlierUserMessages(history: readonly GmtHistoryMessage[] | undefined): string[] {
  return (history ?? []).flatMap((m) => (typeof m === "string" ? [m] : m.role === "user" ? [m.content] : []));
}

function explain(d: RouteDecision): string {
  if (d.fallback) return `fallback: ${d.fallbackReason ?? "router unavailable"}; picked ${d.modelId}`;
  const ranked = [...d.candidates].sort((a, b) => b.score - a.score);
  const runnerUp = ranked[1];
  const who = d.coldStart.usedColdStartVector
    ? d.coldStart.personalization
      ? "no ratings yet, population preference"
      : "personalization off, population preference"
    : `${d.coldStart.ratingsUsed} rated interactions`;
  const vs = runnerUp ? `, ahead of ${runnerUp.id} (P(win)=${(1 / (1 + Math.exp(runnerUp.score - ranked[0].score))).toFixed(3)})` : "";
  return `GMTRouter ${d.routerVersion}: ${d.modelId} has the highest score (p=${d.confidence.toFixed(3)})${vs}; user vector from ${who}`;
}

export class GmtRouterFacade {
  /** Switch personalization at runtime. */
  personalization: boolean;
  readonly #router: RoutingTarget;
  readonly #store: HistoryStore;
  readonly #candidates: readonly Candidate[];

  constructor(options: GmtRouterFacadeOptions) {
    if (options.candidates.length === 0) throw new InvalidInputError({ field: "candidates", message: "at least one candidate is required" });
    this.#router = options.router;
    this.#store = options.store;
    this.#candidates = options.candidates;
    this.personalization = options.personalization ?? true;
  }

  async routeSingle(query: GmtQuery): Promise<GmtRouteResult> {
    if (typeof query.query_text !== "string") throw new InvalidInputError({ field: "query_text", message: "must be a string" });
    const decision = await this.#router.route({
      userId: query.user_id,
      message: query.query_text,
      earlierUserMessages: earlierUserMessages(query.conversation_history),
      candidates: this.#candidates,
      personalization: this.personalization,
    });
    return {
      model_name: decision.modelId,
      confidence: decision.confidence,
      user_preference: {
        ratings_used: decision.coldStart.ratingsUsed,
        cold_start: decision.coldStart.usedColdStartVector,
        personalization: decision.coldStart.personalization,
        probabilities: Object.fromEntries(decision.candidates.map((c) => [c.id, c.probability])),
      },
      reasoning: explain(decision),
      scores: Object.fromEntries(decision.candidates.map((c) => [c.id, c.score])),
      router_version: decision.routerVersion,
      fallback: decision.fallback,
    };
  }

  /** Routes each query in order (a later query sees feedback recorded before the batch only). */
  async routeBatch(queries: readonly GmtQuery[]): Promise<GmtRouteResult[]> {
    const results: GmtRouteResult[] = [];
    for (const q of queries) results.push(await this.routeSingle(q));
    return results;
  }

  /** Records a 0..5 rating as a rated interaction and invalidates the user's cached vector. */
  async updateUserFeedback(feedback: GmtFeedback): Promise<void> {
    if (typeof feedback.user_id !== "string" || feedback.user_id === "")
      throw new InvalidInputError({ field: "user_id", message: "must be a non-empty string" });
    if (typeof feedback.model !== "string" || feedback.model === "") throw new InvalidInputError({ field: "model", message: "must be a non-empty string" });
    const rating = ratingFromFeedback0to5(feedback.rating);
    await this.#store.recordRating({
      userId: feedback.user_id,
      queryText: feedback.query,
      modelId: feedback.model,
      rating,
      source: "feedback",
      chatSessionId: feedback.session_id,
      turnIndex: feedback.turn,
      context: earlierUserMessages(feedback.conversation_history),
      responseText: feedback.response ?? null,
    });
    this.#router.invalidateUser(feedback.user_id);
  }
}
