import "server-only";
import { APICallError, streamText } from "ai";
import { getChatSessionForUser } from "@/lib/db/queries/chat-sessions";
import { appendUserTurn, finishAssistantTurn, getLastUserTurn, getThread, recordDecision, startAssistantTurn, type TurnOutcome } from "@/lib/db/queries/turns";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { languageModelFor } from "@/lib/llm/providers";
import { routeTurn } from "./route-turn";
import { toModelMessages } from "./thread";
import type { AssistantMetadata, DecisionSummary } from "./ui-message";

export type ChatRequest = {
  userId: string;
  chatSessionId: string;
  trigger: "submit-message" | "regenerate-message";
  text?: string;
  modelId?: string;
};

/** A message the user can act on, without leaking provider internals. */
function describeLlmError(error: unknown): string {
  if (APICallError.isInstance(error)) {
    return error.statusCode ? `The model endpoint answered HTTP ${error.statusCode}: ${error.message}` : `The model endpoint could not be reached: ${error.message}`;
  }
  return error instanceof Error ? `The model stream failed: ${error.message}` : "The model stream failed.";
}

/**
 * Handles one chat turn end to end: persists the user turn, routes it, streams
 * the chosen model's reply and persists the assistant turn however the stream
 * ends (completed, stopped by the user, failed).
 */
export async function streamChatReply(req: ChatRequest, requestSignal: AbortSignal): Promise<Response> {
  await getChatSessionForUser({ id: req.chatSessionId, userId: req.userId });

  const userTurn =
    req.trigger === "submit-message"
      ? await appendUserTurn({ chatSessionId: req.chatSessionId, userId: req.userId, content: req.text ?? "" })
      : await getLastUserTurn({ chatSessionId: req.chatSessionId });
  if (!userTurn) throw new AppError("bad_request:chat", "There is no message to regenerate an answer for.");

  const route = await routeTurn({ userId: req.userId, chatSessionId: req.chatSessionId, queryText: userTurn.content, overrideModelId: req.modelId });
  const messages = toModelMessages(await getThread({ chatSessionId: req.chatSessionId }));
  const assistant = await startAssistantTurn({ chatSessionId: req.chatSessionId, userId: req.userId, parentId: userTurn.id, modelId: route.model.id });
  await recordDecision({ turnId: assistant.id, userId: req.userId, decision: route.decision });

  const started = performance.now();
  let text = "";
  let ttftMs: number | null = null;
  let failure: string | null = null;
  const timeout = new AbortController();
  const firstTokenTimer = setTimeout(() => timeout.abort(), env.LLM_FIRST_TOKEN_TIMEOUT_MS);
  const finish = (outcome: Omit<TurnOutcome, "content" | "latencyMs" | "ttftMs">) => {
    clearTimeout(firstTokenTimer);
    return finishAssistantTurn({ id: assistant.id, outcome: { content: text, latencyMs: Math.round(performance.now() - started), ttftMs, ...outcome } });
  };

  const result = streamText({
    model: languageModelFor(route.model),
    messages,
    maxRetries: 0,
    abortSignal: AbortSignal.any([requestSignal, timeout.signal]),
    onChunk({ chunk }) {
      if (chunk.type !== "text-delta") return;
      if (ttftMs === null) {
        ttftMs = Math.round(performance.now() - started);
        clearTimeout(firstTokenTimer);
      }
      text += chunk.text;
    },
    onFinish: ({ totalUsage }) =>
      finish({ status: "completed", promptTokens: totalUsage.inputTokens ?? null, completionTokens: totalUsage.outputTokens ?? null }),
    onAbort: () =>
      requestSignal.aborted
        ? finish({ status: "stopped" })
        : finish({ status: "failed", error: `The model sent nothing within ${env.LLM_FIRST_TOKEN_TIMEOUT_MS / 1000} s.` }),
    onError: ({ error }) => {
      failure = describeLlmError(error);
      return finish({ status: "failed", error: failure });
    },
  });

  const decision: DecisionSummary = { ...route.decision, candidates: route.decision.candidates as DecisionSummary["candidates"] };
  return result.toUIMessageStreamResponse({
    messageMetadata: ({ part }): AssistantMetadata | undefined => {
      if (part.type === "start") return { turnId: assistant.id, modelId: route.model.id, modelName: route.model.displayName, status: "streaming", decision };
      if (part.type === "finish") return { status: "completed" };
      return undefined;
    },
    onError: (error) => failure ?? describeLlmError(error),
  });
}
