import "server-only";
import { prisma } from "@/lib/db/client";
import { env, readEnvVar } from "@/lib/env";
import { loadModelsFile } from "@/lib/llm/models-config";
import {
  CachedEmbedder,
  type Candidate,
  type Embedder,
  OnnxRouter,
  OpenAICompatibleEmbedder,
  POPULATION_PRIOR_DEFAULTS,
  type QueryRequest,
  type RegistryState,
  type RouteDecision,
  type RouterLogger,
  RouterRegistry,
  UseLiteOnnxEmbedder,
} from "@/router-core";
import { PopulationLoader } from "./population";
import { PrismaHistoryStore, type RoutingStamps, readRoutingStamps } from "./prisma-history-store";

/**
 * The app's one router: an ONNX GMTRouter behind a registry that hot-swaps
 * versions and falls back to the default model when no version can serve.
 * The active version is the router_versions row marked active, else the model
 * shipped in ROUTER_MODEL_DIR.
 */
// Router logs go to stderr: stdout of the CLIs that share this module carries their results.
const logger: RouterLogger = {
  info: (message) => console.error(`[router] ${message}`),
  warn: (message) => console.error(`[router] warning: ${message}`),
};

type RouterHolder = {
  registry: RouterRegistry;
  embedder: Promise<Embedder>;
  /** Everyone's recent ratings, for the population prior of every version this instance loads. */
  population: PopulationLoader;
  loadedFrom: string | null;
  checkedAt: number;
  loading: Promise<void> | null;
  historyStamps: Map<string, string>;
  /** Users being re-encoded in the background (invalidateUserVector); `again`: their ratings changed meanwhile. */
  refreshing: Map<string, { again: boolean }>;
};

const globalForRouter = globalThis as unknown as { switchboardRouter?: RouterHolder };

function createEmbedder(): Promise<Embedder> {
  if (env.EMBEDDER === "openai") {
    if (!env.EMBEDDINGS_BASE_URL || !env.EMBEDDINGS_MODEL || !env.EMBEDDINGS_DIM) {
      throw new Error("EMBEDDER=openai needs EMBEDDINGS_BASE_URL, EMBEDDINGS_MODEL and EMBEDDINGS_DIM");
    }
    const apiKey = env.EMBEDDINGS_API_KEY_ENV ? readEnvVar(env.EMBEDDINGS_API_KEY_ENV) : undefined;
    return Promise.resolve(
      new CachedEmbedder(new OpenAICompatibleEmbedder({ baseURL: env.EMBEDDINGS_BASE_URL, model: env.EMBEDDINGS_MODEL, dim: env.EMBEDDINGS_DIM, apiKey })),
    );
  }
  // The encoder runs in a worker thread; only tokenization (well under 1 ms a query) uses the event loop.
  const embedder = UseLiteOnnxEmbedder.create({ precision: env.EMBEDDER_PRECISION }).then((e) => new CachedEmbedder(e));
  // A failure (e.g. the encoder file was never built) surfaces in loadVersion through the registry, not as an unhandled rejection.
  embedder.catch(() => {});
  return embedder;
}

function holder(): RouterHolder {
  globalForRouter.switchboardRouter ??= {
    registry: new RouterRegistry({ logger, fallbackModelId: env.DEFAULT_MODEL ?? loadModelsFile(env.MODELS_FILE).defaultModel }),
    embedder: createEmbedder(),
    population: new PopulationLoader(env.ROUTER_POPULATION_REFRESH_MS, (err) => logger.warn(`loading everyone's ratings failed: ${describe(err)}`)),
    loadedFrom: null,
    checkedAt: 0,
    loading: null,
    historyStamps: new Map(),
    refreshing: new Map(),
  };
  return globalForRouter.switchboardRouter;
}

async function activeModelDir(): Promise<string> {
  const active = await prisma.routerVersion.findFirst({ where: { active: true }, select: { path: true } });
  return active?.path ?? env.ROUTER_MODEL_DIR;
}

async function loadVersion(h: RouterHolder, modelDir: string): Promise<RegistryState> {
  const state = await h.registry.load(async () => {
    // Inside the factory, so an embedder that cannot start leaves the registry degraded (fallback decisions).
    const embedder = await h.embedder;
    return OnnxRouter.create({
      modelDir,
      embedder,
      historyStore: new PrismaHistoryStore(embedder.dim),
      device: env.ROUTER_DEVICE,
      historyLimit: env.ROUTER_HISTORY_LIMIT,
      queryMode: env.ROUTER_QUERY_MODE,
      logger,
      userVectorCache: h.registry.userVectorCache,
      onlinePreference: env.ROUTER_ONLINE_BETA === undefined ? undefined : { beta: env.ROUTER_ONLINE_BETA, kappa: env.ROUTER_ONLINE_KAPPA },
      population: h.population,
      populationPrior: { ...POPULATION_PRIOR_DEFAULTS, beta: env.ROUTER_POPULATION_BETA },
      exploration: { share: env.ROUTER_EXPLORE_SHARE, minRatings: env.ROUTER_EXPLORE_MIN_RATINGS, random: Math.random },
    });
  });
  const active = h.registry.active;
  if (active && env.ROUTER_POPULATION_BETA > 0) await h.population.ensureLoaded(await h.embedder, active.embeddingKey);
  h.loadedFrom = modelDir;
  if (state.status === "degraded") console.error(`[router] cannot serve ${modelDir}: ${state.error}; routing falls back to the default model`);
  return state;
}

/** Loads the active version when it changed; checked at most every ROUTER_VERSION_CHECK_MS per instance. */
async function ensureCurrent(h: RouterHolder, force = false): Promise<void> {
  if (!force && h.loadedFrom !== null && Date.now() - h.checkedAt < env.ROUTER_VERSION_CHECK_MS) return;
  // A forced reload must read the active row after the caller's change, not join a check that read it before.
  if (force) while (h.loading) await h.loading;
  h.loading ??= (async () => {
    try {
      const dir = await activeModelDir();
      h.checkedAt = Date.now();
      if (dir !== h.loadedFrom || force) await loadVersion(h, dir);
    } finally {
      h.loading = null;
    }
  })();
  await h.loading;
}

/** Reloads everyone's ratings in the background when they are older than ROUTER_POPULATION_REFRESH_MS. */
function refreshPopulation(h: RouterHolder): void {
  const active = h.registry.active;
  // Checked before touching the embedder's promise: this runs on every turn, and a reload is due twice a minute at most.
  if (!active || env.ROUTER_POPULATION_BETA === 0 || !h.population.due()) return;
  void h.embedder.then((embedder) => h.population.refresh(embedder, active.embeddingKey));
}

export type RouteArgs = {
  userId: string;
  message: string;
  earlierUserMessages: readonly string[];
  candidates: readonly Candidate[];
  personalization?: boolean;
  /** The turn's read of the user's graph and catalog versions, when the turn started it (readRoutingStamps). */
  stamps?: Promise<RoutingStamps>;
};

/**
 * Whether routing reads the conversation's earlier messages (query modes
 * full_context and retrieval). When it does not, a chat turn can route before
 * the conversation is loaded.
 */
export function routingReadsConversation(): boolean {
  return holder().registry.active?.queryMode !== "current_only";
}

/**
 * Starts embedding the query as soon as a request is valid, while the models
 * and the conversation are still being read: the turn's routeQuery joins it.
 */
export function prepareRoute(args: QueryRequest): void {
  if (env.ROUTER_ENABLED) holder().registry.prepare(args);
}

/**
 * Routes one query. Never fails because the database does: like the
 * registry's own store errors, a failed version check keeps the loaded version
 * and a failed history check drops the user's cached vector (it cannot be
 * shown current), so the turn still gets a decision, a fallback one at worst.
 * The chat stores the user's message while routing runs, and a routing error
 * after that write landed would leave a message the client was told was refused.
 *
 * The history check and the routing run side by side when this instance has
 * seen the user's history before: if the check then finds that the history
 * moved (another instance stored a rating), the decision is discarded and the
 * query routed again with a fresh user vector.
 */
export async function routeQuery(args: RouteArgs): Promise<RouteDecision> {
  const h = holder();
  // A registry that never loaded a version answers with its fallback decision.
  if (!env.ROUTER_ENABLED) return h.registry.route(args);
  const stampRead = (args.stamps ?? readRoutingStamps(args.userId)).then((s) => s.graph);
  stampRead.catch(() => {}); // settled below
  try {
    await ensureCurrent(h);
  } catch (err) {
    logger.warn(`checking the active router version failed: ${describe(err)}`);
  }
  refreshPopulation(h);
  const known = h.historyStamps.get(args.userId);
  const optimistic = known === undefined ? null : h.registry.route(args);
  const [stamp] = await Promise.allSettled([stampRead]);
  if (optimistic && stamp.status === "fulfilled" && stamp.value === known) return optimistic;
  optimistic?.catch(() => {}); // superseded
  h.registry.invalidateUser(args.userId);
  if (stamp.status === "fulfilled") h.historyStamps.set(args.userId, stamp.value);
  else h.historyStamps.delete(args.userId);
  return h.registry.route(args);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Call after a user's ratings change on this instance (other instances notice
 * through the history stamp). The stale vector is dropped at once and the user
 * is re-encoded in the background, so their next turn finds a warm cache; a
 * turn that encoded the new history first keeps its vector. A burst of ratings
 * (stars on several answers, a compare vote) costs at most two re-encodes: one
 * in flight, then one more that reads everything rated meanwhile.
 */
export function invalidateUserVector(userId: string): void {
  const h = holder();
  h.registry.invalidateUser(userId);
  h.historyStamps.delete(userId);
  const running = h.refreshing.get(userId);
  if (running) {
    running.again = true; // it may have read the history before this change
    return;
  }
  const refresh = { again: false };
  h.refreshing.set(userId, refresh);
  void (async () => {
    try {
      let stamp: string;
      do {
        refresh.again = false;
        stamp = (await readRoutingStamps(userId)).graph;
        await h.registry.warmUser(userId);
      } while (refresh.again);
      // Only if no turn recorded a later stamp meanwhile: an older one would make the next turn discard a current vector.
      if (!h.historyStamps.has(userId)) h.historyStamps.set(userId, stamp);
    } finally {
      h.refreshing.delete(userId);
    }
  })().catch((err: unknown) => logger.warn(`re-encoding user ${userId} after a rating failed: ${describe(err)}`));
}

/**
 * Loads the embedder and the active router version at server start, so a bad
 * model file or an unusable ROUTER_DEVICE is reported in the startup log rather
 * than on a user's first turn. Never throws: the app serves with the fallback.
 */
export async function warmUpRouter(): Promise<RegistryState> {
  const h = holder();
  if (!env.ROUTER_ENABLED) return h.registry.state;
  await ensureCurrent(h, true);
  return h.registry.state;
}

/** Swaps to the version now marked active, without waiting for the periodic check. */
export async function reloadActiveRouter(): Promise<RegistryState> {
  const h = holder();
  await ensureCurrent(h, true);
  return h.registry.state;
}

/** Length of the vectors of the active embedder. */
export async function routerEmbeddingDim(): Promise<number> {
  return (await holder().embedder).dim;
}

export function getRouterState(): RegistryState & { modelDir: string | null } {
  const h = holder();
  return { ...h.registry.state, modelDir: h.loadedFrom };
}
