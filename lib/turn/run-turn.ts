import "server-only";
import type { LlmModelRow } from "@/lib/db/queries/models";
import { appendUserTurn } from "@/lib/db/queries/turns";
import { openReply, type PromptMessage, type Reply, type SamplingSettings } from "@/lib/llm/reply-stream";
import { startSpan, withSpan } from "@/lib/observability/tracing";
import type { RoutingStamps } from "@/lib/router/prisma-history-store";
import { type AssistantTurn, beginAssistantTurn } from "./assistant-turn";
import { fallbackOrder, routeTurn, type TurnRoute } from "./route-turn";

/** The stored user message a turn answers. */
export type QuestionTurn = { chatSessionId: string; userTurnId: string };

/** Stores a new user message (the statement checks the session's owner and room for `adding` turns). */
export function storeUserTurn(turn: Parameters<typeof appendUserTurn>[0]): Promise<QuestionTurn> {
  return withSpan("db.store_user_turn", {}, async () => ({ chatSessionId: turn.chatSessionId, userTurnId: (await appendUserTurn(turn)).id }));
}

/** One turn as a wire adapter (chat UI stream, OpenAI API) has prepared it from its request. */
export type TurnPlan = {
  userId: string;
  models: readonly LlmModelRow[];
  /** A model the caller named for this turn (chat's per-turn pick, /v1's model, a compare side). */
  picked?: LlmModelRow;
  /** `picked` answers one side of a comparison. */
  compare?: boolean;
  /** The message being answered, and the conversation's earlier user messages as the router reads them. */
  queryText: string;
  earlierUserMessages: readonly string[];
  /** The model's prompt: the context and the message. */
  messages: readonly PromptMessage[];
  settings?: SamplingSettings;
  /** The question's stored turn, usually a write already under way (started as soon as the request was valid). */
  question: Promise<QuestionTurn>;
  /** The turn's read of the user's graph and catalog versions (readRoutingStamps), which `models` came from. */
  stamps: Promise<RoutingStamps>;
  /** A routing the adapter started before the plan was complete (routeAheadOfCatalog; chat routes while the conversation loads). */
  route?: Promise<TurnRoute>;
  signal: AbortSignal;
};

/** A turn whose reply has its first token (or has failed for good) and whose assistant turn is being written. */
export type RunningTurn = QuestionTurn & { route: TurnRoute; reply: Reply; assistant: AssistantTurn };

/** Reads a reply nobody will see to its end, so its model call is closed (an aborted call ends at once). */
async function drain(opening: Promise<Reply>): Promise<void> {
  for await (const _delta of (await opening).deltas());
}

/**
 * The turn pipeline both wires share: the question is stored while the turn is
 * routed, the reply opens with fallback down the router's ranking (while the
 * question's write may still run: the reply is handed on only once it is
 * stored), and the assistant turn (with the decision) is written while the
 * first token goes out.
 * The adapter streams `reply.deltas()` in its own format and calls
 * `assistant.finish()` once the reply ended, however it ended.
 *
 * Spans: `router.route_turn`, `db.store_user_turn` and `llm.reply` (from the
 * first model call to the stored outcome: model, fallbacks, status, tokens).
 */
export async function runTurn(plan: TurnPlan): Promise<RunningTurn> {
  const routing =
    plan.route ??
    routeTurn({
      userId: plan.userId,
      queryText: plan.queryText,
      earlierUserMessages: plan.earlierUserMessages,
      models: plan.models,
      picked: plan.picked,
      compare: plan.compare,
      stamps: plan.stamps,
    });
  // A refused question refuses the turn at once, also while the turn is still being routed.
  const route = await Promise.race([routing, plan.question.then(() => routing)]);
  const span = startSpan("llm.reply", { "switchboard.routed_to": route.model.id });
  // The model is called while the question's write may still be under way (it is on the path to the first token
  // otherwise), and the reply is handed on only once the write is done: a refused write stops the call.
  const refused = new AbortController();
  const opening = openReply({
    models: fallbackOrder(route, plan.models),
    messages: plan.messages,
    settings: plan.settings,
    signal: AbortSignal.any([plan.signal, refused.signal]),
  });
  opening.catch(() => {}); // awaited below, once the question is stored (or drained)
  let question: QuestionTurn;
  try {
    question = await plan.question;
  } catch (err) {
    refused.abort();
    drain(opening).catch(() => {});
    span.end();
    throw err;
  }
  const reply = await opening;
  span.setAttributes({ "switchboard.model": reply.model.id, "switchboard.fallbacks": reply.failed.length, "switchboard.ttft_ms": reply.ttftMs ?? -1 });
  const stored = beginAssistantTurn({
    chatSessionId: question.chatSessionId,
    userId: plan.userId,
    parentId: question.userTurnId,
    decision: route.decision,
    query: route.query,
    reply,
  });
  const assistant: AssistantTurn = {
    id: stored.id,
    async finish() {
      try {
        await stored.finish();
      } finally {
        const end = reply.end ?? { status: "stopped" as const };
        span.setAttributes({
          "switchboard.status": end.status,
          ...(end.status === "completed"
            ? { "switchboard.prompt_tokens": end.promptTokens ?? -1, "switchboard.completion_tokens": end.completionTokens ?? -1 }
            : {}),
        });
        span.end();
      }
    },
  };
  return { ...question, route, reply, assistant };
}
