/**
 * Where the router reads a user's rated history from. The app implements this with Prisma;
 * router-core ships InMemoryHistoryStore for tests, benchmarks and the CLI.
 */

/** One rated interaction: one model's answer to one query, rated by the user. */
export interface RatedInteraction {
  readonly interactionId: string;
  /** The conversation the turn belongs to (follows-edges link consecutive turns of one conversation). */
  readonly chatSessionId: string;
  /** 0-based position of the user turn inside its conversation. */
  readonly turnIndex: number;
  /** The user message of this turn (contract appExport "query"). */
  readonly queryText: string;
  /**
   * The conversation's earlier user messages, oldest first (appExport "context"). Used to build
   * the query text for full_context / retrieval models when the embedding must be computed.
   */
  readonly context?: readonly string[] | null;
  readonly modelId: string;
  /**
   * The deployment's description of the model that answered, for a model the router was not trained on: its
   * vector in the user's graph. Without it the router uses the request's candidates, then the id itself, so a
   * vector encoded outside a request (RouterApi.warmUser) would differ from the one a turn encodes.
   */
  readonly modelDescription?: string | null;
  /** Normalised rating r in [0,1]; map raw signals with the helpers in rating.ts. */
  readonly rating: number;
  /** The rated answer; a store may leave it out unless asked (GetRatedHistoryArgs.withResponseText). */
  readonly responseText?: string | null;
  /**
   * The rated answer's length in Unicode code points, from a store that reads the length instead of the text:
   * a model that reads only answer lengths (manifest features.answerLength) then costs no answer text per rating.
   */
  readonly responseChars?: number | null;
  readonly createdAt: Date;
  /**
   * Embedding of the turn's query text as the router built it (RouteDecision.queryEmbedding),
   * stored under the request's embeddingKey; null/undefined when not stored under that key.
   */
  readonly queryEmbedding?: Float32Array | null;
}

export interface GetRatedHistoryArgs {
  readonly userId: string;
  /** Return at most this many interactions, the most recent ones (by createdAt). */
  readonly limit: number;
  /**
   * Only embeddings stored under this key may be returned in queryEmbedding. The key names the
   * embedder and the query-text mode, e.g. "use-lite-512:full_context" (see RouteDecision.embeddingKey).
   */
  readonly embeddingKey: string;
  /**
   * Whether the answers' texts are needed (the model embeds them, manifest features.responseText). Without it a
   * store may return responseChars in place of responseText: a user's history is read on every rating, and 200
   * long answers are hundreds of kilobytes of text (bench/routing/history-read.ts).
   */
  readonly withResponseText?: boolean;
}

export interface SaveQueryEmbeddingsArgs {
  readonly embeddingKey: string;
  readonly embeddings: readonly { readonly interactionId: string; readonly embedding: Float32Array }[];
}

/** Source of a rating recorded through the facade or the app. */
export type RatingSource = "stars" | "thumbs" | "feedback" | "pairwise";

export interface RecordRatingArgs {
  readonly userId: string;
  readonly queryText: string;
  readonly modelId: string;
  /** Normalised rating r in [0,1]. */
  readonly rating: number;
  readonly source: RatingSource;
  /** Conversation and turn when known; the store creates a standalone one-turn conversation otherwise. */
  readonly chatSessionId?: string;
  readonly turnIndex?: number;
  readonly context?: readonly string[] | null;
  readonly responseText?: string | null;
}

export interface HistoryStore {
  /** The user's most recent `limit` rated interactions, in any order. */
  getRatedHistory(args: GetRatedHistoryArgs): Promise<readonly RatedInteraction[]>;
  /** Persists query embeddings so stored turns are not re-embedded on the next cold encode. */
  saveQueryEmbeddings(args: SaveQueryEmbeddingsArgs): Promise<void>;
  /** Records a rating as a new rated interaction (a response node), e.g. from updateUserFeedback. */
  recordRating(args: RecordRatingArgs): Promise<RatedInteraction>;
}
