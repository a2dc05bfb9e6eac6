/**
 * GMTRouter served from ONNX. One instance = one model version: its manifest, its two ONNX
 * sessions, its cold-start vector. Create with `await OnnxRouter.create(options)`, which fails
 * fast (typed errors) on a missing, corrupt, contract- or embedder-mismatched model.
 */
import type { QueryMode } from "./contract";
import { CachedEmbedder } from "./embedder/cached-embedder";
import type { Embedder } from "./embedder/embedder";
import { EmbedderMismatchError, RouterClosedError } from "./errors";
import {
  argmax,
  buildQueryText,
  buildUserGraph,
  centred,
  concatFloat32,
  emptyUserGraph,
  meanPairwiseWinRates,
  selectRecentHistory,
  selectRetrievalTurns,
  softmax,
  type UserGraphTensors,
} from "./features";
import type { HistoryStore, RatedInteraction } from "./history-store";
import { loadManifest, type Manifest, readModelJson } from "./manifest";
import { buildEvidence, ONLINE_PREFERENCE_OFF, type OnlinePreferenceOptions, onlineAdjustments, rowDots } from "./online-preference";
import { parseParityFile, verifyParity } from "./parity";
import {
  decisionBasis,
  EXPLORATION_OFF,
  type ExplorationOptions,
  explorationPick,
  HintEvidenceCache,
  POPULATION_PRIOR_DEFAULTS,
  type PopulationPriorOptions,
  type PopulationSource,
  populationAdjustments,
} from "./population-prior";
import { isUsableInteraction, validateRequest } from "./request-validation";
import type { Candidate, QueryRequest, RouteDecision, RouteRequest, Router } from "./router";
import { type DeviceOption, type ExecutionProviderName, ModelRuntime, type RouterLogger, silentLogger } from "./session";
import { UserVectorCache } from "./user-vector-cache";

export interface OnnxRouterOptions {
  /** Directory holding manifest.json, user_encoder.onnx, scorer.onnx (and parity.json). */
  readonly modelDir: string;
  /** The active embedder; its id must equal the manifest's embedder id. Wrapped in a CachedEmbedder unless it is one. */
  readonly embedder: Embedder;
  readonly historyStore: HistoryStore;
  /** Execution provider: "auto" tries CUDA then CPU (logged), "cuda" fails at create without CUDA. Default "auto". */
  readonly device?: DeviceOption;
  readonly logger?: RouterLogger;
  /** Most recent rated interactions per user in the subgraph. Default 200. */
  readonly historyLimit?: number;
  /** retrieval query mode: how many similar earlier messages join the current one. Default manifest.retrievalTopK, else 2. */
  readonly retrievalTopK?: number;
  /** Share one cache across versions (e.g. from RouterRegistry); default a private one. */
  readonly userVectorCache?: UserVectorCache;
  /** The online preference layer (online-preference.ts); `{ beta: 0, ... }` turns it off. */
  readonly onlinePreference?: OnlinePreferenceOptions;
  /** Everyone's recent ratings (population-prior.ts); without it only the candidates' hints feed the population prior. */
  readonly population?: PopulationSource;
  /** Strength of the population prior; default POPULATION_PRIOR_DEFAULTS, `{ beta: 0, ... }` turns it off. */
  readonly populationPrior?: PopulationPriorOptions;
  /** Trying rarely rated models now and then; default off. */
  readonly exploration?: ExplorationOptions;
  /** LRU size of the embedding cache when the embedder is wrapped here. Default 10,000. */
  readonly embeddingCacheSize?: number;
  /** Run parity.json through the sessions at create (when the manifest lists it). Default true. */
  readonly verifyParity?: boolean;
  /** Override the manifest's queryMode (logged as a warning: the model was trained with the manifest's). */
  readonly queryMode?: QueryMode;
  /**
   * Run the query-embedding stage and the user stage (history load + encode) concurrently.
   * Default true: a slow history store (Postgres) overlaps the embedder. Stage timings then
   * overlap too (their sum can exceed totalMs); set false for strictly sequential stage timings.
   */
  readonly overlapStages?: boolean;
}

const now = () => performance.now();
let instanceSeq = 0;

export class OnnxRouter implements Router {
  readonly version: string;
  readonly executionProvider: ExecutionProviderName;
  readonly manifest: Manifest;
  readonly catalog: readonly Candidate[];
  readonly embedder: CachedEmbedder;
  readonly #runtime: ModelRuntime;
  readonly #store: HistoryStore;
  readonly #cache: UserVectorCache;
  readonly #catalogEmbeddings: ReadonlyMap<string, Float32Array>;
  readonly #coldStart: Float32Array;
  readonly #historyLimit: number;
  readonly #topK: number;
  readonly #online: OnlinePreferenceOptions;
  readonly #population: PopulationSource | null;
  readonly #populationPrior: PopulationPriorOptions;
  readonly #exploration: ExplorationOptions;
  readonly #hints = new HintEvidenceCache();
  readonly queryMode: QueryMode;
  readonly embeddingKey: string;
  readonly #overlap: boolean;
  readonly #logger: RouterLogger;
  /**
   * User-vector cache namespace: the router version plus an instance number, so a reloaded model
   * with an unchanged routerVersion never reads vectors encoded by the previous instance.
   */
  readonly #cacheNamespace: string;
  #closed = false;

  private constructor(args: {
    manifest: Manifest;
    runtime: ModelRuntime;
    embedder: CachedEmbedder;
    store: HistoryStore;
    cache: UserVectorCache;
    coldStart: Float32Array;
    historyLimit: number;
    topK: number;
    online: OnlinePreferenceOptions;
    population: PopulationSource | null;
    populationPrior: PopulationPriorOptions;
    exploration: ExplorationOptions;
    queryMode: QueryMode;
    overlap: boolean;
    logger: RouterLogger;
  }) {
    this.#logger = args.logger;
    this.queryMode = args.queryMode;
    this.embeddingKey = `${args.embedder.id}:${args.queryMode}`;
    this.#overlap = args.overlap;
    this.manifest = args.manifest;
    this.version = args.manifest.routerVersion;
    this.#cacheNamespace = `${this.version}#${++instanceSeq}`;
    this.#runtime = args.runtime;
    this.executionProvider = args.runtime.provider;
    this.embedder = args.embedder;
    this.#store = args.store;
    this.#cache = args.cache;
    this.#coldStart = args.coldStart;
    this.#historyLimit = args.historyLimit;
    this.#topK = args.topK;
    this.#online = args.online;
    this.#population = args.population;
    this.#populationPrior = args.populationPrior;
    this.#exploration = args.exploration;
    this.catalog = args.manifest.llms.map((l) => ({ id: l.id, description: l.description }));
    this.#catalogEmbeddings = new Map(args.manifest.llms.map((l) => [l.id, Float32Array.from(l.embedding)]));
  }

  static async create(options: OnnxRouterOptions): Promise<OnnxRouter> {
    const { modelDir } = options;
    const logger = options.logger ?? silentLogger;
    const historyLimit = options.historyLimit ?? 200;
    if (!Number.isInteger(historyLimit) || historyLimit < 0) throw new RangeError(`historyLimit must be a non-negative integer, got ${historyLimit}`);
    const manifest = await loadManifest(modelDir);
    if (manifest.embedder.id !== options.embedder.id) {
      throw new EmbedderMismatchError({ expectedEmbedderId: manifest.embedder.id, actualEmbedderId: options.embedder.id, modelDir });
    }
    if (manifest.embedder.dim !== options.embedder.dim) {
      throw new EmbedderMismatchError({
        expectedEmbedderId: manifest.embedder.id,
        actualEmbedderId: options.embedder.id,
        modelDir,
        detail: `dim ${options.embedder.dim} != ${manifest.embedder.dim}`,
      });
    }
    const runtime = await ModelRuntime.create({
      modelDir,
      userEncoderFile: manifest.files.userEncoder,
      scorerFile: manifest.files.scorer,
      D: manifest.dims.embedding,
      H: manifest.dims.hidden,
      features: manifest.features,
      device: options.device,
      logger,
    });
    try {
      if ((options.verifyParity ?? true) && manifest.files.parity) {
        const file = manifest.files.parity;
        const parity = parseParityFile(await readModelJson(modelDir, file), modelDir, file);
        await verifyParity(runtime, parity, modelDir, file);
      }
      const coldStart = await runtime.encodeUser(emptyUserGraph(manifest.dims.embedding, manifest.features));
      const embedder =
        options.embedder instanceof CachedEmbedder ? options.embedder : new CachedEmbedder(options.embedder, { maxEntries: options.embeddingCacheSize });
      const router = new OnnxRouter({
        manifest,
        runtime,
        embedder,
        store: options.historyStore,
        cache: options.userVectorCache ?? new UserVectorCache(),
        coldStart,
        historyLimit,
        online: options.onlinePreference ?? manifest.onlinePreference ?? ONLINE_PREFERENCE_OFF,
        population: options.population ?? null,
        populationPrior: options.populationPrior ?? POPULATION_PRIOR_DEFAULTS,
        exploration: options.exploration ?? EXPLORATION_OFF,
        topK: options.retrievalTopK ?? manifest.retrievalTopK ?? 2,
        queryMode: options.queryMode ?? manifest.queryMode,
        overlap: options.overlapStages ?? true,
        logger,
      });
      if (options.queryMode && options.queryMode !== manifest.queryMode) {
        logger.warn("router-core: queryMode overridden", { modelDir, trainedWith: manifest.queryMode, serving: options.queryMode });
      }
      if (options.retrievalTopK !== undefined && manifest.retrievalTopK !== undefined && options.retrievalTopK !== manifest.retrievalTopK) {
        logger.warn("router-core: retrievalTopK overridden", { modelDir, trainedWith: manifest.retrievalTopK, serving: options.retrievalTopK });
      }
      // warm the scorer path once so the first request doesn't pay for lazy kernel setup
      const first = manifest.llms[0];
      await runtime.score({ userVec: coldStart, queryX: Float32Array.from(first.embedding), llmX: Float32Array.from(first.embedding), B: 1, M: 1 });
      logger.info("router-core: router ready", { modelDir, routerVersion: router.version, provider: runtime.provider, queryMode: manifest.queryMode });
      return router;
    } catch (err) {
      await runtime.release();
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  invalidateUser(userId: string): void {
    this.#cache.invalidateUser(userId);
  }

  async warmUser(userId: string): Promise<void> {
    if (this.#closed) throw new RouterClosedError({ routerVersion: this.version });
    await this.#userVector({ userId, message: "", candidates: this.catalog }, true);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#cache.dropNamespace(this.#cacheNamespace);
    await this.#runtime.release();
  }

  async route(request: RouteRequest): Promise<RouteDecision> {
    const t0 = now();
    if (this.#closed) throw new RouterClosedError({ routerVersion: this.version });
    validateRequest(request);
    const personalization = request.personalization ?? true;
    const [query, user] = this.#overlap
      ? await Promise.all([this.#embedQuery(request), this.#userVector(request, personalization)])
      : [await this.#embedQuery(request), await this.#userVector(request, personalization)];
    const tScore = now();
    const M = request.candidates.length;
    const D = this.#runtime.D;
    const llmX = new Float32Array(M * D);
    for (const [i, c] of request.candidates.entries()) llmX.set(this.#catalogEmbeddings.get(c.id) ?? query.unseen.get(c.id)!, i * D);
    const personal = user.vector !== this.#coldStart;
    // With history, the same query is also scored for the cold-start vector in one batch: the difference is
    // what the user's ratings changed in the learned router, shown in the popover.
    const both = await this.#runtime.score({
      userVec: personal ? concatFloat32(user.vector, this.#coldStart) : user.vector,
      queryX: personal ? concatFloat32(query.embedding, query.embedding) : query.embedding,
      llmX,
      B: personal ? 2 : 1,
      M,
    });
    const raw = both.subarray(0, M);
    const ids = request.candidates.map((c) => c.id);
    const populationEvidence = this.#population?.current() ?? null;
    // In onnxruntime, not a loop here: ~0.1 ms for the population's 1,000 rows against ~2 ms (SimilarityKernel).
    const dots =
      populationEvidence?.ratings.length && this.#populationPrior.beta > 0 ? await this.#runtime.rowDots(populationEvidence, query.embedding) : undefined;
    // The user's own ratings weigh in twice (fading the population's say, and the online layer): dotted once, if either is on.
    const ownDots = user.evidence?.ratings.length && (this.#populationPrior.beta || this.#online.beta) ? rowDots(user.evidence, query.embedding) : undefined;
    const population = populationAdjustments(populationEvidence, query.embedding, ids, query.hints, this.#populationPrior, user.evidence, dots, ownDots);
    const online = onlineAdjustments(user.evidence, query.embedding, ids, this.#online, ownDots);
    const learned = personal ? centred(Array.from(raw, (s, i) => s - both[M + i])) : raw.map(() => 0);
    const adjustments = Array.from(learned, (l, i) => l + online[i]);
    const scores = Array.from(raw, (s, i) => s + population.total[i] + online[i]);
    const probabilities = softmax(scores);
    const winRates = meanPairwiseWinRates(scores);
    const best = argmax(scores);
    const explored = explorationPick(ids, best, populationEvidence?.ratingCounts, this.#exploration);
    const pick = explored ?? best;
    const basis = explored !== null ? "exploration" : decisionBasis(personal ? both.subarray(M) : raw, population, best);
    const scoreMs = now() - tScore;
    return {
      modelId: request.candidates[pick].id,
      candidates: request.candidates.map((c, i) => ({
        id: c.id,
        score: scores[i],
        probability: probabilities[i],
        winRate: winRates[i],
        unseen: !this.#catalogEmbeddings.has(c.id),
        adjustment: adjustments[i],
        population: population.total[i],
      })),
      confidence: probabilities[pick],
      coldStart: { ratingsUsed: user.ratingsUsed, usedColdStartVector: user.ratingsUsed === 0, personalization },
      routerVersion: this.version,
      executionProvider: this.executionProvider,
      queryMode: this.queryMode,
      queryText: query.text,
      queryEmbedding: query.embedding,
      embedderId: this.embedder.id,
      embeddingKey: this.embeddingKey,
      userCache: user.cache,
      timings: {
        embedMs: query.ms,
        historyLoadMs: user.historyLoadMs,
        userEncodeMs: user.encodeMs,
        scoreMs,
        totalMs: now() - t0,
      },
      basis,
      fallback: false,
    };
  }

  prepare(request: QueryRequest): void {
    if (this.#closed) return;
    this.#queryTexts([{ message: request.message, earlier: request.earlierUserMessages ?? [] }])
      .then(([text]) => this.embedder.embed([text]))
      .catch(() => {});
  }

  /** Builds the query text per queryMode and embeds it, with unseen candidates' descriptions and every candidate's hints. */
  async #embedQuery(request: RouteRequest) {
    const t = now();
    const unseenCandidates = request.candidates.filter((c) => !this.#catalogEmbeddings.has(c.id));
    const [text] = await this.#queryTexts([{ message: request.message, earlier: request.earlierUserMessages ?? [] }]);
    const examples = request.candidates.flatMap((c) => (c.examples ?? []).map((example) => ({ modelId: c.id, example })));
    const hinted = this.#hints.evidence(examples, (texts) => this.embedder.embed(texts), this.#runtime.D);
    const [vectors, hints] = await Promise.all([this.embedder.embed([text, ...unseenCandidates.map((c) => c.description)]), hinted]);
    const unseen = new Map(unseenCandidates.map((c, i) => [c.id, vectors[1 + i]]));
    return { text, embedding: vectors[0], unseen, hints, ms: now() - t };
  }

  /**
   * The text embedded as the query node for each (message, earlier messages) pair, per queryMode
   * (features.buildQueryText). retrieval embeds the messages and their context in one batch.
   */
  async #queryTexts(items: readonly { message: string; earlier: readonly string[] }[]): Promise<string[]> {
    const mode = this.queryMode;
    if (mode !== "retrieval") return items.map((it) => buildQueryText({ mode, current: it.message, earlier: it.earlier }));
    const flat = items.flatMap((it) => (it.earlier.length > 0 ? [it.message, ...it.earlier] : []));
    const vectors = flat.length > 0 ? await this.embedder.embed(flat) : [];
    let offset = 0;
    return items.map((it) => {
      if (it.earlier.length === 0) return buildQueryText({ mode, current: it.message, earlier: [] });
      const own = vectors.slice(offset, offset + 1 + it.earlier.length);
      offset += own.length;
      const retrieved = selectRetrievalTurns(own[0], own.slice(1), this.#topK);
      return buildQueryText({ mode, current: it.message, earlier: it.earlier, retrieved });
    });
  }

  /** The user's vector: cache hit, or load history + embed missing queries + encode. */
  async #userVector(request: RouteRequest, personalization: boolean) {
    if (!personalization) return { vector: this.#coldStart, ratingsUsed: 0, evidence: null, cache: "bypass" as const, historyLoadMs: 0, encodeMs: 0 };
    const cached = this.#cache.get(this.#cacheNamespace, request.userId);
    if (cached) return { ...cached, cache: "hit" as const, historyLoadMs: 0, encodeMs: 0 };
    const generation = this.#cache.generation(request.userId);
    const tLoad = now();
    const history = await this.#store.getRatedHistory({
      userId: request.userId,
      limit: this.#historyLimit,
      embeddingKey: this.embeddingKey,
      withResponseText: this.#runtime.features.responseText,
    });
    const usable = history.filter(isUsableInteraction);
    if (usable.length < history.length) {
      this.#logger.warn("router-core: skipped stored interactions with an invalid rating or turn", {
        userId: request.userId,
        skipped: history.length - usable.length,
      });
    }
    const ordered = selectRecentHistory(usable, this.#historyLimit);
    const built = ordered.length === 0 ? null : await this.#buildGraph(ordered, request.candidates);
    const historyLoadMs = now() - tLoad;
    const tEncode = now();
    const vector = built ? await this.#runtime.encodeUser(built.graph) : this.#coldStart;
    const encodeMs = now() - tEncode;
    const evidence = built ? buildEvidence(ordered, built.queryEmbeddings, this.#runtime.D) : null;
    const value = { vector, ratingsUsed: ordered.length, evidence };
    this.#cache.set(this.#cacheNamespace, request.userId, generation, value);
    return { ...value, cache: "miss" as const, historyLoadMs, encodeMs };
  }

  async #buildGraph(
    ordered: readonly RatedInteraction[],
    candidates: readonly Candidate[],
  ): Promise<{ graph: UserGraphTensors; queryEmbeddings: Float32Array[] }> {
    const D = this.#runtime.D;
    const missing = ordered.filter((it) => !it.queryEmbedding || it.queryEmbedding.length !== D);
    const texts = await this.#queryTexts(missing.map((it) => ({ message: it.queryText, earlier: it.context ?? [] })));
    const fresh = await this.embedder.embed(texts);
    if (missing.length > 0) {
      await this.#store.saveQueryEmbeddings({
        embeddingKey: this.embeddingKey,
        embeddings: missing.map((it, i) => ({ interactionId: it.interactionId, embedding: fresh[i] })),
      });
    }
    const freshById = new Map(missing.map((it, i) => [it.interactionId, fresh[i]]));
    const queryEmbeddings = ordered.map((it) => freshById.get(it.interactionId) ?? it.queryEmbedding!);
    // models of the history: catalog embedding, else the stored description, else the request's, else the id itself
    const llmEmbeddings = new Map<string, Float32Array>();
    const unknown = [...new Set(ordered.map((it) => it.modelId))].filter((id) => {
      const e = this.#catalogEmbeddings.get(id);
      if (e) llmEmbeddings.set(id, e);
      return !e;
    });
    if (unknown.length > 0) {
      const stored = new Map(ordered.flatMap((it) => (it.modelDescription ? [[it.modelId, it.modelDescription] as const] : [])));
      const texts = unknown.map((id) => stored.get(id) ?? candidates.find((c) => c.id === id)?.description ?? id);
      for (const [i, e] of (await this.embedder.embed(texts)).entries()) llmEmbeddings.set(unknown[i], e);
    }
    const { responseText, answerLength } = this.#runtime.features;
    const responseEmbeddings = responseText ? await this.embedder.embed(ordered.map((it) => it.responseText ?? "")) : null;
    return { graph: buildUserGraph({ ordered, D, queryEmbeddings, responseEmbeddings, answerLength, llmEmbeddings }), queryEmbeddings };
  }
}
