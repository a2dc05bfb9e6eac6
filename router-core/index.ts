/** router-core public API. Server-only (onnxruntime-node is a native addon; keep it out of client bundles). */

export { CONTRACT, type Contract, QUERY_MODES, type QueryMode } from "./contract";
export { CachedEmbedder, type CachedEmbedderOptions, embeddingKey } from "./embedder/cached-embedder";
export type { Embedder } from "./embedder/embedder";
export { OpenAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from "./embedder/openai-compatible";
export {
  BUILD_USE_LITE_ONNX_COMMAND,
  DEFAULT_USE_LITE_ONNX_FILES,
  USE_LITE_ID,
  UseLiteOnnxEmbedder,
  type UseLiteOnnxEmbedderOptions,
} from "./embedder/use-lite-onnx";
export { USE_LITE_PRECISIONS, type UseLitePrecision } from "./embedder/use-lite-precision";
export { embeddingFromBytes, embeddingToBytes } from "./embedding-bytes";
export {
  EmbedderLoadError,
  EmbedderMismatchError,
  InvalidInputError,
  ModelLoadError,
  type ModelLoadReason,
  NoEligibleModelError,
  RouterClosedError,
  RouterError,
} from "./errors";
export { type GmtFeedback, type GmtQuery, type GmtRouteResult, GmtRouterFacade, type GmtRouterFacadeOptions, type RoutingTarget } from "./gmt-facade";
export type { GetRatedHistoryArgs, HistoryStore, RatedInteraction, RatingSource, RecordRatingArgs, SaveQueryEmbeddingsArgs } from "./history-store";
export { loadManifest, type Manifest, validateManifest } from "./manifest";
export { InMemoryHistoryStore, type NewInteraction } from "./memory-history-store";
export { buildEvidence } from "./online-preference";
export { OnnxRouter, type OnnxRouterOptions } from "./onnx-router";
export {
  EXPLORATION_OFF,
  type ExplorationOptions,
  POPULATION_PRIOR_DEFAULTS,
  POPULATION_SAMPLE_SIZE,
  type PopulationEvidence,
  type PopulationPriorOptions,
  type PopulationSource,
} from "./population-prior";
export {
  assertNormalizedRating,
  type PairwiseOutcome,
  type RatingSignal,
  ratingFromFeedback0to5,
  ratingFromPairwise,
  ratingFromSignal,
  ratingFromStars,
  ratingFromThumbs,
  type Thumbs,
} from "./rating";
export { fallbackDecision, type RegistryState, RouterRegistry, type RouterRegistryOptions } from "./registry";
export type { Candidate, CandidateScore, ColdStartState, DecisionBasis, QueryRequest, RouteDecision, RouteRequest, Router, RouteTimings } from "./router";
export type { DeviceOption, ExecutionProviderName, RouterLogger } from "./session";
export { UserVectorCache } from "./user-vector-cache";
