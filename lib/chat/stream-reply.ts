import "server-only";
import { APICallError, createUIMessageStream, createUIMessageStreamResponse, streamText, type InferUIMessageChunk, type ModelMessage } from "ai";
import { getChatSessionForUser } from "@/lib/db/queries/chat-sessions";
import { listEnabledModels, type LlmModelRow } from "@/lib/db/queries/models";
import { appendUserTurn, finishAssistantTurn, getLastUserTurn, getThread, recordDecision, startAssistantTurn, type TurnOutcome } from "@/lib/db/queries/turns";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { languageModelFor } from "@/lib/llm/providers";
import { getLogger } from "@/lib/log";
import { assertSessionHasRoom } from "@/lib/security/session-size";
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

type Chunk = InferUIMessageChunk<ChatMessage>;
type Outcome = Omit<TurnOutcome, "content" | "latencyMs" | "ttftMs">;

/** How long the stream waits for the SDK's finish, abort or error callback after the last chunk. */
const OUTCOME_GRACE_MS = 2_000;

/** Waits between tries to store a turn's outcome: 7.5 s in all, longer than a Postgres restart takes. */
const OUTCOME_RETRY_DELAYS_MS = [500, 1_000, 2_000, 4_000];

const logger = getLogger("chat");

/** The answer streamed but its outcome could not be stored, so the client must not take it as saved. */
class OutcomeNotStoredError extends Error {
  constructor() {
    super("Your answer could not be saved because the database is unavailable. Please send the message again.");
  }
}

/** Stores how a turn ended, retrying through a short database outage so that a turn is not left "streaming". */
async function storeOutcome(args: Parameters<typeof finishAssistantTurn>[0]): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      return await finishAssistantTurn(args);
    } catch (err) {
      if (i >= OUTCOME_RETRY_DELAYS_MS.length) {
        logger.error({ err, turnId: args.id }, "could not store the outcome of a turn");
        throw new OutcomeNotStoredError();
      }
      await new Promise((r) => setTimeout(r, OUTCOME_RETRY_DELAYS_MS[i]));
    }
  }
}

/** A message the user can act on, without leaking provider internals. */
function describeLlmError(error: unknown): string {
  if (APICallError.isInstance(error)) {
    if (!error.statusCode) return `The model endpoint could not be reached: ${error.message}`;
    if (error.statusCode >= 400) return `The model endpoint answered HTTP ${error.statusCode}: ${error.message}`;
    // A successful response that broke off mid-answer: the cause (say "terminated") says more than the SDK's wrapper.
    return `The model stream failed: ${error.cause instanceof Error ? error.cause.message : error.message}`;
  }
  return error instanceof Error ? `The model stream failed: ${error.message}` : "The model stream failed.";
}

/** One model's try at the turn: its stream, what it has said so far and how it ended. */
type Attempt = {
  model: LlmModelRow;
  reader: ReadableStreamDefaultReader<Chunk>;
  text: string;
  ttftMs: number | null;
  failure: string | null;
  outcome: Outcome | null;
  outcomeKnown: Promise<void>;
};

function startAttempt(model: LlmModelRow, messages: ModelMessage[], requestSignal: AbortSignal, turnStarted: number): Attempt {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), env.LLM_FIRST_TOKEN_TIMEOUT_MS);
  const timeoutMessage = `The model sent nothing within ${env.LLM_FIRST_TOKEN_TIMEOUT_MS / 1000} s.`;
  let markKnown = () => {};
  const outcomeKnown = new Promise<void>((resolve) => (markKnown = resolve));
  const settle = (outcome: Outcome) => {
    clearTimeout(timer);
    attempt.outcome ??= outcome;
    if (outcome.status === "failed") attempt.failure ??= outcome.error ?? null;
    markKnown();
  };
  const result = streamText({
    model: languageModelFor(model),
    messages,
    maxRetries: 0,
    abortSignal: AbortSignal.any([requestSignal, timeout.signal]),
    onChunk({ chunk }) {
      if (chunk.type !== "text-delta") return;
      if (attempt.ttftMs === null) {
        attempt.ttftMs = Math.round(performance.now() - turnStarted);
        clearTimeout(timer);
      }
      attempt.text += chunk.text;
    },
    onFinish: ({ totalUsage }) => settle({ status: "completed", promptTokens: totalUsage.inputTokens ?? null, completionTokens: totalUsage.outputTokens ?? null }),
    onAbort: () => settle(requestSignal.aborted ? { status: "stopped" } : { status: "failed", error: timeoutMessage }),
    onError: ({ error }) => settle({ status: "failed", error: describeLlmError(error) }),
  });
  const attempt: Attempt = {
    model,
    text: "",
    ttftMs: null,
    failure: null,
    outcome: null,
    outcomeKnown,
    reader: result
      .toUIMessageStream<ChatMessage>({
        messageMetadata: ({ part }): AssistantMetadata | undefined => (part.type === "finish" ? { status: "completed" } : undefined),
        onError: (error) => (attempt.failure ??= describeLlmError(error)),
      })
      .getReader(),
  };
  return attempt;
}

/** The attempt's next chunk; a transport failure (the SDK rejects the read, say on a dropped socket) is recorded on the attempt. */
async function readChunk(attempt: Attempt): Promise<ReadableStreamReadResult<Chunk>> {
  try {
    return await attempt.reader.read();
  } catch (err) {
    attempt.failure ??= describeLlmError(err);
    throw err;
  }
}

/**
 * Reads an attempt up to its first token. Returns the chunks read so far, or
 * null if the model failed (error or first-token timeout) before saying anything.
 */
async function readToFirstToken(attempt: Attempt, requestSignal: AbortSignal): Promise<Chunk[] | null> {
  const buffered: Chunk[] = [];
  let next: ReadableStreamReadResult<Chunk>;
  for (;;) {
    try {
      next = await readChunk(attempt);
    } catch {
      return requestSignal.aborted ? [...buffered, { type: "abort" }] : null;
    }
    if (next.done) break;
    const part = next.value;
    if (part.type === "error" || (part.type === "abort" && !requestSignal.aborted)) {
      await Promise.race([attempt.outcomeKnown, new Promise((r) => setTimeout(r, OUTCOME_GRACE_MS))]);
      return null;
    }
    buffered.push(part);
    if (part.type === "text-delta" || part.type === "abort") return buffered;
  }
  return buffered;
}

/** Candidates in the router's order (probability, then as listed), for falling back down the ranking. */
function rankedCandidateIds(decision: DecisionSummary): string[] {
  return [...decision.candidates].sort((a, b) => b.probability - a.probability).map((c) => c.modelId);
}

/**
 * Handles one chat turn end to end: persists the user turn, routes it, streams
 * the chosen model's reply and persists the assistant turn however the stream
 * ends (completed, stopped by the user, failed).
 *
 * Fallback: if the routed model errors or sends nothing within
 * LLM_FIRST_TOKEN_TIMEOUT_MS before its first token, the turn goes to the next
 * candidate by router probability, until one answers or all have failed. A
 * model the user picked explicitly is not replaced. After the first token the
 * answer is committed: a later failure keeps the partial text, marked failed.
 */
export async function streamChatReply(req: ChatRequest, requestSignal: AbortSignal): Promise<Response> {
  await getChatSessionForUser({ id: req.chatSessionId, userId: req.userId });
  await assertSessionHasRoom({ chatSessionId: req.chatSessionId, adding: req.trigger === "submit-message" ? 2 : 1 });

  // Route before writing anything, so a request the router rejects (say, an unknown model) stores nothing.
  const previous = req.trigger === "regenerate-message" ? await getLastUserTurn({ chatSessionId: req.chatSessionId }) : null;
  if (req.trigger === "regenerate-message" && !previous) throw new AppError("bad_request:chat", "There is no message to regenerate an answer for.");
  const queryText = previous?.content ?? req.text ?? "";
  const route = await routeTurn({ userId: req.userId, chatSessionId: req.chatSessionId, queryText, overrideModelId: req.modelId });

  const userTurn = previous ?? (await appendUserTurn({ chatSessionId: req.chatSessionId, userId: req.userId, content: queryText }));
  const messages = toModelMessages(await getThread({ chatSessionId: req.chatSessionId }));
  const routed: DecisionSummary = route.decision;

  const started = performance.now();
  const failed: { modelId: string; error: string; elapsedMs: number }[] = [];
  let attempt = startAttempt(route.model, messages, requestSignal, started);
  let firstChunks = await readToFirstToken(attempt, requestSignal);
  if (firstChunks === null && !route.decision.override) {
    const enabled = new Map((await listEnabledModels()).map((m) => [m.id, m]));
    const next = rankedCandidateIds(routed).filter((id) => id !== route.model.id && enabled.has(id));
    for (const modelId of next) {
      if (firstChunks !== null || requestSignal.aborted) break;
      failed.push({ modelId: attempt.model.id, error: attempt.failure ?? "The model failed.", elapsedMs: Math.round(performance.now() - started) });
      attempt = startAttempt(enabled.get(modelId)!, messages, requestSignal, started);
      firstChunks = await readToFirstToken(attempt, requestSignal);
    }
  }

  // `decision.fallback` means the router itself fell back; a model failing over to the next is recorded in timings.llmFallback.
  const timings = failed.length > 0 ? { ...(route.decision.timings as object), llmFallback: { failed, answeredBy: attempt.model.id } } : route.decision.timings;
  const assistant = await startAssistantTurn({ chatSessionId: req.chatSessionId, userId: req.userId, parentId: userTurn.id, modelId: attempt.model.id });
  await recordDecision({ turnId: assistant.id, userId: req.userId, decision: { ...route.decision, timings }, query: route.query });

  let recorded: Promise<void> | null = null;
  const finish = (outcome: Outcome) => {
    recorded ??= storeOutcome({
      id: assistant.id,
      outcome: { content: attempt.text, latencyMs: Math.round(performance.now() - started), ttftMs: attempt.ttftMs, ...outcome },
    });
    return recorded;
  };
  const startMetadata: AssistantMetadata = { turnId: assistant.id, modelId: attempt.model.id, modelName: attempt.model.displayName, status: "streaming", decision: routed };

  const stream = createUIMessageStream<ChatMessage>({
    // Forwarded part by part: the start part gets the metadata of the model that answered.
    execute: async ({ writer }) => {
      const forward = (part: Chunk) => writer.write(part.type === "start" ? { ...part, messageMetadata: startMetadata } : part);
      try {
        if (firstChunks === null) {
          writer.write({ type: "start", messageMetadata: startMetadata });
          writer.write({ type: "error", errorText: attempt.failure ?? "The model failed." });
          return;
        }
        firstChunks.forEach(forward);
        for (let next = await readChunk(attempt); !next.done; next = await readChunk(attempt)) forward(next.value);
      } finally {
        // The stream closes only once the turn's outcome is stored, so what a client saw end is never lost.
        await Promise.race([attempt.outcomeKnown, new Promise((r) => setTimeout(r, OUTCOME_GRACE_MS))]);
        await finish(attempt.outcome ?? { status: "failed", error: attempt.failure ?? "The model stream ended unexpectedly." });
      }
    },
    onError: (error) => (error instanceof OutcomeNotStoredError ? error.message : (attempt.failure ?? describeLlmError(error))),
  });
  return createUIMessageStreamResponse({ stream });
}
