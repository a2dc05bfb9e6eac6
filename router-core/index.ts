/** router-core public API. Server-only (onnxruntime-node is a native addon; keep it out of client bundles). */
export type { Candidate, CandidateScore, ColdStartState, RouteDecision, Router, RouteRequest, RouteTimings } from "./router";
export { OnnxRouter, type OnnxRouterOptions } from "./onnx-router";
export { RouterRegistry, fallbackDecision, type RegistryState, type RouterRegistryOptions } from "./registry";
export { GmtRouterFacade, type GmtFeedback, type GmtQuery, type GmtRouteResult, type GmtRouterFacadeOptions, type RoutingTarget } from "./gmt-facade";
export type { GetRatedHistoryArgs, HistoryStore, RatedInteraction, RatingSource, RecordRatingArgs, SaveQueryEmbeddingsArgs } from "./history-store";
export { InMemoryHistoryStore, type NewInteraction } from "./memory-history-store";
export { embeddingFromBytes, embeddingToBytes } from "./embedding-bytes";
export {
  assertNormalizedRating,
  ratingFromFeedback0to5,
  ratingFromPairwise,
  ratingFromSignal,
  ratingFromStars,
  ratingFromThumbs,
  type PairwiseOutcome,
  type RatingSignal,
  type Thumbs,
} from "./rating";
export {
  EmbedderLoadError,
  EmbedderMismatchError,
  InvalidInputError,
  ModelLoadError,
  NoEligibleModelError,
  RouterClosedError,
  RouterError,
  type ModelLoadReason,
} from "./errors";
export type { DeviceOption, ExecutionProviderName, RouterLogger } from "./session";
export { CONTRACT, QUERY_MODES, type Contract, type QueryMode } from "./contract";
export { loadManifest, validateManifest, type Manifest } from "./manifest";
export { UserVectorCache } from "./user-vector-cache";
export type { Embedder } from "./embedder/embedder";
export {
  BUILD_USE_LITE_ONNX_COMMAND,
  DEFAULT_USE_LITE_ONNX_FILE,
  USE_LITE_ID,
  UseLiteOnnxEmbedder,
  type UseLiteOnnxEmbedderOptions,
} from "./embedder/use-lite-onnx";
export { OpenAICompatibleEmbedder, type OpenAICompatibleEmbedderOptions } from "./embedder/openai-compatible";
export { CachedEmbedder, embeddingKey, type CachedEmbedderOptions } from "./embedder/cached-embedder";
