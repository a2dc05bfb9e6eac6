import "server-only";
import { APICallError, createUIMessageStream, createUIMessageStreamResponse, streamText } from "ai";
import { getChatSessionForUser } from "@/lib/db/queries/chat-sessions";
import { appendUserTurn, finishAssistantTurn, getLastUserTurn, getThread, recordDecision, startAssistantTurn, type TurnOutcome } from "@/lib/db/queries/turns";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { languageModelFor } from "@/lib/llm/providers";
import { routeTurn } from "./route-turn";
import { toModelMessages } from "./thread";
import type { AssistantMetadata, ChatMessage, DecisionSummary } from "./ui-message";

export type ChatRequest = {
  userId: string;
  chatSessionId: string;
  trigger: "submit-message" | "regenerate-message";
  text?: string;
  modelId?: string;
};

/** How long the stream waits for the SDK's finish, abort or error callback after the last chunk. */
const OUTCOME_GRACE_MS = 2_000;

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

  // Route before writing anything, so a request the router rejects (say, an unknown model) stores nothing.
  const previous = req.trigger === "regenerate-message" ? await getLastUserTurn({ chatSessionId: req.chatSessionId }) : null;
  if (req.trigger === "regenerate-message" && !previous) throw new AppError("bad_request:chat", "There is no message to regenerate an answer for.");
  const queryText = previous?.content ?? req.text ?? "";
  const route = await routeTurn({ userId: req.userId, chatSessionId: req.chatSessionId, queryText, overrideModelId: req.modelId });

  const userTurn = previous ?? (await appendUserTurn({ chatSessionId: req.chatSessionId, userId: req.userId, content: queryText }));
  const messages = toModelMessages(await getThread({ chatSessionId: req.chatSessionId }));
  const assistant = await startAssistantTurn({ chatSessionId: req.chatSessionId, userId: req.userId, parentId: userTurn.id, modelId: route.model.id });
  await recordDecision({ turnId: assistant.id, userId: req.userId, decision: route.decision });

  const started = performance.now();
  let text = "";
  let ttftMs: number | null = null;
  let failure: string | null = null;
  const timeout = new AbortController();
  const timeoutMessage = `The model sent nothing within ${env.LLM_FIRST_TOKEN_TIMEOUT_MS / 1000} s.`;
  const firstTokenTimer = setTimeout(() => timeout.abort(), env.LLM_FIRST_TOKEN_TIMEOUT_MS);
  let recorded: Promise<void> | null = null;
  let markOutcomeKnown = () => {};
  const outcomeKnown = new Promise<void>((resolve) => (markOutcomeKnown = resolve));
  const finish = (outcome: Omit<TurnOutcome, "content" | "latencyMs" | "ttftMs">) => {
    clearTimeout(firstTokenTimer);
    recorded ??= finishAssistantTurn({ id: assistant.id, outcome: { content: text, latencyMs: Math.round(performance.now() - started), ttftMs, ...outcome } });
    markOutcomeKnown();
    return recorded;
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
        : finish({ status: "failed", error: timeoutMessage }),
    onError: ({ error }) => {
      failure = describeLlmError(error);
      return finish({ status: "failed", error: failure });
    },
  });

  const decision: DecisionSummary = { ...route.decision, candidates: route.decision.candidates as DecisionSummary["candidates"] };
  const stream = createUIMessageStream<ChatMessage>({
    // Forwarded part by part so that a first-token timeout reaches the client as an error, not as a user abort.
    execute: async ({ writer }) => {
      const reader = result
        .toUIMessageStream<ChatMessage>({
          messageMetadata: ({ part }): AssistantMetadata | undefined => {
            if (part.type === "start") return { turnId: assistant.id, modelId: route.model.id, modelName: route.model.displayName, status: "streaming", decision };
            if (part.type === "finish") return { status: "completed" };
            return undefined;
          },
          onError: (error) => (failure ??= describeLlmError(error)),
        })
        .getReader();
      try {
        for (let next = await reader.read(); !next.done; next = await reader.read()) {
          if (next.value.type === "abort" && timeout.signal.aborted && !requestSignal.aborted) writer.write({ type: "error", errorText: timeoutMessage });
          else writer.write(next.value);
        }
      } finally {
        // The stream closes only once the turn's outcome is stored, so what a client saw end is never lost.
        await Promise.race([outcomeKnown, new Promise((r) => setTimeout(r, OUTCOME_GRACE_MS))]);
        await (recorded ?? finish({ status: "failed", error: failure ?? "The model stream ended unexpectedly." }));
      }
    },
    onError: (error) => (failure ??= describeLlmError(error)),
  });
  return createUIMessageStreamResponse({ stream });
}
