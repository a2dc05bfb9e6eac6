import type { UIMessage } from "ai";
import type { DecisionSummary } from "@/lib/router/decision";

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

export type ChatMessage = UIMessage<AssistantMetadata>;
