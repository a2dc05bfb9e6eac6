import type { UIMessage } from "ai";

/** What the server attaches to each assistant message in the stream and in stored history. */
export type AssistantMetadata = {
  turnId?: string;
  /** The user message this answers, as stored: what an edit of that message names. */
  questionTurnId?: string;
  /** Every answer to the same message (regenerations, compare sides), oldest first, to page through; stored history only. */
  answers?: SiblingAnswer[];
  modelId?: string;
  modelName?: string;
  status?: "streaming" | "completed" | "stopped" | "failed";
  error?: string | null;
  decision?: DecisionSummary | null;
  rating?: StoredRating | null;
};

export type StoredRating = { thumbsUp: boolean | null; stars: number | null; comment: string | null; reasons: string[] };

/** One answer among several to the same message. */
export type SiblingAnswer = { text: string; metadata: Omit<AssistantMetadata, "answers"> };

/** adjustment: the share of the score that comes from the user's own ratings on similar questions. */
export type CandidateScore = { modelId: string; score: number; probability: number; winRate?: number; unseen?: boolean; adjustment?: number };

export type DecisionSummary = {
  routerVersion: string;
  executionProvider: string;
  candidates: CandidateScore[];
  confidence: number;
  ratingsUsed: number;
  coldStart: boolean;
  override: boolean;
  fallback: boolean;
  compareSide?: "router" | "challenger" | null;
  totalMs: number;
};

export type ChatMessage = UIMessage<AssistantMetadata>;
