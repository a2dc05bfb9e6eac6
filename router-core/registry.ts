/**
 * Holds the active router version and swaps versions atomically. A route() call binds to the
 * version that is active when it starts and finishes on it; a replaced version is closed (its
 * ONNX sessions released) once its last in-flight call has returned.
 *
 * Fallback policy: when no model can be served (missing, corrupt, contract- or embedder-
 * mismatched, or a runtime failure inside route()), the registry answers with a fallback
 * decision (`fallback: true`) that picks `fallbackModelId` if it is among the request's
 * candidates, else the first candidate, so the app keeps serving. A failed load() while a
 * version is active keeps that version serving and records the error in `state.lastError`.
 * Request errors (NoEligibleModelError, InvalidInputError naming a RouteRequest field) are
 * rethrown, never masked.
 */
import { InvalidInputError, NoEligibleModelError, RouterError } from "./errors";
import { type QueryRequest, REQUEST_FIELDS, type RouteDecision, type RouteRequest, type Router } from "./router";
import { type RouterLogger, silentLogger } from "./session";
import { UserVectorCache } from "./user-vector-cache";

export type RegistryState =
  | { readonly status: "ready"; readonly routerVersion: string; readonly executionProvider: string; readonly lastError?: string }
  | { readonly status: "degraded"; readonly error: string; readonly errorName: string };

export interface RouterRegistryOptions {
  readonly logger?: RouterLogger;
  /** Model the fallback policy prefers when it is among the request's candidates. */
  readonly fallbackModelId?: string;
}

interface Slot {
  readonly router: Router;
  inFlight: number;
  retired: boolean;
  closing: Promise<void> | null;
}

/** The decision returned when no router can answer. */
export function fallbackDecision(request: RouteRequest, reason: string, fallbackModelId?: string): RouteDecision {
  if (!Array.isArray(request.candidates) || request.candidates.length === 0) throw new NoEligibleModelError({ candidateIds: [] });
  const chosen = request.candidates.find((c) => c.id === fallbackModelId) ?? request.candidates[0];
  return {
    modelId: chosen.id,
    candidates: [],
    confidence: 0,
    coldStart: { ratingsUsed: 0, usedColdStartVector: false, personalization: request.personalization ?? true },
    routerVersion: null,
    executionProvider: null,
    queryMode: null,
    queryText: request.message,
    queryEmbedding: null,
    embedderId: null,
    embeddingKey: null,
    userCache: "bypass",
    timings: { embedMs: 0, historyLoadMs: 0, userEncodeMs: 0, scoreMs: 0, totalMs: 0 },
    basis: "fallback",
    fallback: true,
    fallbackReason: reason,
  };
}

function describe(error: unknown): { error: string; errorName: string } {
  if (error instanceof Error) return { error: error.message, errorName: error.name };
  return { error: String(error), errorName: "Error" };
}

export class RouterRegistry {
  /** Shared by the versions this registry loads; pass it to OnnxRouter.create({ userVectorCache }). */
  readonly userVectorCache = new UserVectorCache();
  readonly #logger: RouterLogger;
  readonly #fallbackModelId: string | undefined;
  #active: Slot | null = null;
  readonly #retiring = new Set<Slot>();
  #state: RegistryState = { status: "degraded", error: "no router loaded yet", errorName: "NotLoaded" };
  #loadSeq = 0;

  constructor(options: RouterRegistryOptions = {}) {
    this.#logger = options.logger ?? silentLogger;
    this.#fallbackModelId = options.fallbackModelId;
  }

  get state(): RegistryState {
    return this.#state;
  }

  /** The active router, or null while degraded. */
  get active(): Router | null {
    return this.#active?.router ?? null;
  }

  /**
   * Creates a router with `factory` and swaps it in. Never throws: on failure the previous
   * version (if any) keeps serving and the error is reported in the returned state.
   * Concurrent loads: the one started last wins.
   */
  async load(factory: () => Promise<Router>): Promise<RegistryState> {
    const seq = ++this.#loadSeq;
    try {
      const router = await factory();
      if (seq !== this.#loadSeq) {
        await router.close();
        return this.#state;
      }
      this.swap(router);
    } catch (err) {
      const { error, errorName } = describe(err);
      this.#logger.warn("router-core: model load failed", { error, errorName, keeping: this.#active?.router.version ?? null });
      if (seq === this.#loadSeq) {
        this.#state = this.#active
          ? { status: "ready", routerVersion: this.#active.router.version, executionProvider: this.#active.router.executionProvider, lastError: error }
          : { status: "degraded", error, errorName };
      }
    }
    return this.#state;
  }

  /** Makes `router` the active version now; the previous one closes after its in-flight calls. */
  swap(router: Router): void {
    const previous = this.#active;
    this.#active = { router, inFlight: 0, retired: false, closing: null };
    this.#state = { status: "ready", routerVersion: router.version, executionProvider: router.executionProvider };
    this.#logger.info("router-core: router version active", { routerVersion: router.version, previous: previous?.router.version ?? null });
    if (previous) this.#retire(previous);
  }

  /** Routes with the active version, or answers with a fallback decision (see the file comment). */
  async route(request: RouteRequest): Promise<RouteDecision> {
    const slot = this.#active;
    if (!slot) return fallbackDecision(request, this.#state.status === "degraded" ? this.#state.error : "no router", this.#fallbackModelId);
    slot.inFlight++;
    try {
      return await slot.router.route(request);
    } catch (err) {
      // the caller's mistakes are rethrown; anything else (store down, bad stored data, runtime) falls back
      if (NoEligibleModelError.isInstance(err) || (InvalidInputError.isInstance(err) && REQUEST_FIELDS.has(err.field))) throw err;
      const { error, errorName } = describe(err);
      this.#logger.warn("router-core: route failed, using fallback", {
        error,
        errorName,
        routerVersion: slot.router.version,
        routerError: RouterError.isInstance(err),
      });
      return fallbackDecision(request, `${errorName}: ${error}`, this.#fallbackModelId);
    } finally {
      slot.inFlight--;
      if (slot.retired && slot.inFlight === 0) this.#closeSlot(slot);
    }
  }

  /** Starts the active version's routing work that needs no candidates (Router.prepare). */
  prepare(request: QueryRequest): void {
    this.#active?.router.prepare(request);
  }

  /** Drops the user's cached vector in every version; call when the user rates or edits a rating. */
  invalidateUser(userId: string): void {
    this.userVectorCache.invalidateUser(userId);
    this.#active?.router.invalidateUser(userId);
    for (const slot of this.#retiring) slot.router.invalidateUser(userId);
  }

  /**
   * Computes the active version's vector for the user off the request path unless a current one is
   * cached, so the user's next turn runs embed + scorer only. Never rejects (failures are logged):
   * after a rating is stored, call invalidateUser, then this without awaiting.
   */
  async warmUser(userId: string): Promise<void> {
    const slot = this.#active;
    if (!slot) return;
    slot.inFlight++;
    try {
      await slot.router.warmUser(userId);
    } catch (err) {
      this.#logger.warn("router-core: warming a user vector failed", { userId, ...describe(err) });
    } finally {
      slot.inFlight--;
      if (slot.retired && slot.inFlight === 0) this.#closeSlot(slot);
    }
  }

  /** Resolves when every replaced version has been closed. */
  async drained(): Promise<void> {
    while (this.#retiring.size > 0) {
      const closing = [...this.#retiring].map((s) => s.closing);
      if (closing.every((c) => c !== null)) await Promise.all(closing);
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Closes the active version (after its in-flight calls) and every retiring one. */
  async close(): Promise<void> {
    const active = this.#active;
    this.#active = null;
    this.#state = { status: "degraded", error: "registry closed", errorName: "Closed" };
    if (active) this.#retire(active);
    await this.drained();
  }

  #retire(slot: Slot): void {
    slot.retired = true;
    this.#retiring.add(slot);
    if (slot.inFlight === 0) this.#closeSlot(slot);
  }

  #closeSlot(slot: Slot): void {
    if (slot.closing) return;
    slot.closing = slot.router
      .close()
      .catch((err) => this.#logger.warn("router-core: closing a replaced router failed", { error: String(err) }))
      .finally(() => this.#retiring.delete(slot));
  }
}
