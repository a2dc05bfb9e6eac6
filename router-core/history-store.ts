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
  /** The query text as built for the model's queryMode when the turn was routed (see RouteDecision.queryText). */
  readonly queryText: string;
  readonly modelId: string;
  /** Normalised rating r in [0,1]; map raw signals with the helpers in rating.ts. */
  readonly rating: number;
  readonly responseText?: string | null;
  readonly createdAt: Date;
  /** Embedding of queryText by the embedder named in the request, or null/undefined when not stored yet. */
  readonly queryEmbedding?: Float32Array | null;
}

export interface GetRatedHistoryArgs {
  readonly userId: string;
  /** Return at most this many interactions, the most recent ones (by createdAt). */
  readonly limit: number;
  /** Only embeddings stored under this embedder id may be returned in queryEmbedding. */
  readonly embedderId: string;
}

export interface SaveQueryEmbeddingsArgs {
  readonly embedderId: string;
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
