/**
 * Test doubles for the app's unit tests of UI and glue. Not for end-to-end tests, which run the
 * real default model.
 */
import { NoEligibleModelError } from "./errors";
import type { RouteDecision, RouteRequest, Router } from "./router";

export interface MockRouterOptions {
  readonly version?: string;
  /** Picks the model; default: the first candidate. */
  readonly choose?: (request: RouteRequest) => string;
}

/** A Router that scores the chosen candidate 1 and the others 0, and records its calls. */
export class MockRouter implements Router {
  readonly version: string;
  readonly executionProvider = "cpu" as const;
  readonly queryMode = "current_only" as const;
  readonly embeddingKey = "mock:current_only";
  readonly catalog = [];
  readonly calls: RouteRequest[] = [];
  readonly invalidated: string[] = [];
  readonly warmed: string[] = [];
  closed = false;
  readonly #choose: (request: RouteRequest) => string;

  constructor(options: MockRouterOptions = {}) {
    this.version = options.version ?? "mock";
    this.#choose = options.choose ?? ((r) => r.candidates[0].id);
  }

  async route(request: RouteRequest): Promise<RouteDecision> {
    this.calls.push(request);
    if (request.candidates.length === 0) throw new NoEligibleModelError({ candidateIds: [] });
    const chosen = this.#choose(request);
    const n = request.candidates.length;
    return {
      modelId: chosen,
      candidates: request.candidates.map((c) => ({
        id: c.id,
        score: c.id === chosen ? 1 : 0,
        probability: c.id === chosen ? 1 : 0,
        winRate: n === 1 ? 1 : c.id === chosen ? 1 : 0,
        unseen: false,
        adjustment: 0,
        population: 0,
      })),
      confidence: 1,
      coldStart: { ratingsUsed: 0, usedColdStartVector: true, personalization: request.personalization ?? true },
      routerVersion: this.version,
      executionProvider: "cpu",
      queryMode: "current_only",
      queryText: request.message,
      queryEmbedding: null,
      embedderId: null,
      embeddingKey: null,
      userCache: "bypass",
      timings: { embedMs: 0, historyLoadMs: 0, userEncodeMs: 0, scoreMs: 0, totalMs: 0 },
      basis: "router",
      fallback: false,
    };
  }

  prepare(): void {}

  invalidateUser(userId: string): void {
    this.invalidated.push(userId);
  }

  async warmUser(userId: string): Promise<void> {
    this.warmed.push(userId);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
