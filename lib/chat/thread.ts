import "server-only";
import type { StoredTurn, TranscriptTurn } from "@/lib/db/queries/turns";
import type { PromptMessage } from "@/lib/llm/reply-stream";
import { type DecisionSummary, parseCompareSide, parseDecisionBasis, parseDecisionCandidates } from "@/lib/router/decision";
import type { AssistantMetadata, ChatMessage, StoredRating } from "./ui-message";

/** Stored turns as the model sees them: failed or empty answers are left out of the context. */
export function toPromptMessages(thread: readonly Pick<TranscriptTurn, "role" | "content" | "status">[]): PromptMessage[] {
  return thread.flatMap<PromptMessage>((t) => {
    if (t.role === "user") return [{ role: "user", content: t.content }];
    return t.content && t.status !== "failed" ? [{ role: "assistant", content: t.content }] : [];
  });
}

function toDecisionSummary(decision: NonNullable<StoredTurn["decision"]>): DecisionSummary {
  return {
    ...decision,
    basis: parseDecisionBasis(decision.basis),
    compareSide: parseCompareSide(decision.compareSide),
    candidates: parseDecisionCandidates(decision.candidates),
  };
}

function assistantMetadata(t: StoredTurn, modelNames: ReadonlyMap<string, string>, ratings: ReadonlyMap<string, StoredRating>): AssistantMetadata {
  return {
    turnId: t.id,
    questionTurnId: t.parentId ?? undefined,
    modelId: t.modelId ?? undefined,
    modelName: t.modelId ? (modelNames.get(t.modelId) ?? t.modelId) : undefined,
    status: t.status,
    error: t.error,
    decision: t.decision ? toDecisionSummary(t.decision) : null,
    rating: ratings.get(t.id) ?? null,
  };
}

/** Stored turns as the chat UI shows them; an answer with siblings carries them all, to page through. */
export function toChatMessages(
  thread: readonly (StoredTurn & { answers?: readonly StoredTurn[] })[],
  modelNames: ReadonlyMap<string, string>,
  ratings: ReadonlyMap<string, StoredRating>,
): ChatMessage[] {
  return thread.map((t) => ({
    id: t.id,
    role: t.role,
    parts: [{ type: "text" as const, text: t.content }],
    metadata:
      t.role === "assistant"
        ? {
            ...assistantMetadata(t, modelNames, ratings),
            ...(t.answers && t.answers.length > 1
              ? { answers: t.answers.map((a) => ({ text: a.content, metadata: assistantMetadata(a, modelNames, ratings) })) }
              : {}),
          }
        : undefined,
  }));
}
