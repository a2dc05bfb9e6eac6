import "server-only";
import { randomUUID } from "node:crypto";
import { createUIMessageStream, createUIMessageStreamResponse } from "ai";
import { lastReadEnabledModels } from "@/lib/db/queries/models";
import { getOwnTranscript, type TranscriptTurn, visibleThread } from "@/lib/db/queries/turns";
import { AppError } from "@/lib/errors";
import { describeLlmError, type PromptMessage } from "@/lib/llm/reply-stream";
import { prepareRoute, routingReadsConversation } from "@/lib/router/runtime";
import { assertSessionHasRoom } from "@/lib/security/session-size";
import { OutcomeNotStoredError } from "@/lib/turn/assistant-turn";
import { checkModelChoice, earlierUserMessages, readTurnCatalog, routeAheadOfCatalog, routeTurn } from "@/lib/turn/route-turn";
import { runTurn, storeUserTurn } from "@/lib/turn/run-turn";
import { coalesceDeltas } from "./coalesce-deltas";
import { toPromptMessages } from "./thread";
import type { AssistantMetadata, ChatMessage } from "./ui-message";

export type ChatRequest = {
  userId: string;
  chatSessionId: string;
  trigger: "submit-message" | "regenerate-message";
  text?: string;
  modelId?: string;
  /** Edit and re-run: the new message replaces this earlier one of the visible thread, and what followed it. */
  editOf?: string;
  /** Compare mode: answers this (latest) user message with `modelId` as one side of a comparison. */
  compareUserTurnId?: string;
};

const TEXT_PART_ID = "answer";

/** Deltas closer together than this are sent as one; well under what a reader notices. */
const DELTA_WINDOW_MS = 25;

function assertEditable(turns: readonly TranscriptTurn[], editOf: string): void {
  if (!visibleThread(turns).some((t) => t.id === editOf && t.role === "user"))
    throw new AppError("conflict:chat", "The message you edited is no longer in this chat; reload the page to see the conversation.");
}

/**
 * The chat's wire adapter: prepares a chat turn from the stored conversation
 * (a new message, an edit, a regenerated answer or a compare side), runs it
 * through the turn pipeline (lib/turn/run-turn.ts) and streams the reply as an
 * AI SDK UI message stream, which ends once the turn's outcome is stored.
 *
 * Time to first token is what the user feels, so nothing waits for what it
 * does not need: the transcript, the models, the routing and the storing of
 * the user's message run side by side, each starting as soon as its inputs
 * are there; the model is called once the turn is routed, and its reply
 * goes out only after the message is stored. The assistant turn and the
 * decision are written once the first token is on its way.
 */
export async function streamChatReply(req: ChatRequest, requestSignal: AbortSignal): Promise<Response> {
  const regenerate = req.trigger === "regenerate-message";
  // By a router that embeds only the current message, the turn is routed while the conversation loads. The
  // embedding starts before any statement is sent: on two cores, every statement in flight slows the encoder's worker.
  const routesEarly = !regenerate && !routingReadsConversation();
  if (routesEarly) prepareRoute({ message: req.text ?? "", earlierUserMessages: [] });
  const { stamps, models: modelsRead } = readTurnCatalog(req.userId);
  const transcriptRead = getOwnTranscript({ chatSessionId: req.chatSessionId, userId: req.userId });
  const choiceChecked = modelsRead.then((models) => ({ models, picked: checkModelChoice(models, req.modelId) }));
  // An edit waits for the transcript: the message it replaces must still be on screen.
  const editChecked = req.editOf ? transcriptRead.then((turns) => assertEditable(turns, req.editOf!)) : null;
  // A new message is stored (its statement checks owner and room) as soon as its model choice is valid...
  const newTurnId = randomUUID();
  const userTurnWrite = regenerate
    ? null
    : Promise.all([choiceChecked, editChecked]).then(() =>
        storeUserTurn({ id: newTurnId, chatSessionId: req.chatSessionId, userId: req.userId, content: req.text ?? "", editOfId: req.editOf, adding: 2 }),
      );
  // ...and routed early where the router allows it.
  const earlyRoute = routesEarly
    ? routeAheadOfCatalog({
        known: lastReadEnabledModels(),
        choice: choiceChecked,
        modelId: req.modelId,
        route: ({ models, picked }) => routeTurn({ userId: req.userId, queryText: req.text ?? "", earlierUserMessages: [], models, picked, stamps }),
      })
    : null;
  // Both are awaited below unless the request is refused first.
  userTurnWrite?.catch(() => {});
  earlyRoute?.catch(() => {});

  const [stored, { models, picked }] = await Promise.all([transcriptRead, choiceChecked, editChecked]);
  // The read may already see the new message: the transcript is what came before it.
  const turns = stored.filter((t) => t.id !== newTurnId);
  // A new message's write checks the room again, against concurrent turns; checked here, a full session calls no model.
  assertSessionHasRoom({ stored: turns.length, adding: regenerate ? 1 : 2 });

  const thread = visibleThread(turns);
  const previous = regenerate ? thread.findLast((t) => t.role === "user") : undefined;
  if (regenerate && !previous) throw new AppError("bad_request:chat", "There is no message to regenerate an answer for.");
  if (req.compareUserTurnId && previous?.id !== req.compareUserTurnId)
    throw new AppError("conflict:chat", "That comparison's message is no longer the latest in this chat.");
  const queryText = previous?.content ?? req.text ?? "";
  // A regenerated answer sees the conversation up to its message, an edited message the conversation before the one it replaces.
  const before = previous ?? thread.find((t) => t.id === req.editOf);
  const context = before ? thread.slice(0, thread.indexOf(before)) : thread;
  const messages: PromptMessage[] = [...toPromptMessages(context), { role: "user", content: queryText }];

  const { route, reply, assistant, userTurnId } = await runTurn({
    userId: req.userId,
    models,
    picked,
    compare: Boolean(req.compareUserTurnId),
    queryText,
    earlierUserMessages: earlierUserMessages(context),
    messages,
    question: previous ? Promise.resolve({ chatSessionId: req.chatSessionId, userTurnId: previous.id }) : userTurnWrite!,
    stamps,
    route: earlyRoute ?? undefined,
    signal: requestSignal,
  });
  const startMetadata: AssistantMetadata = {
    turnId: assistant.id,
    questionTurnId: userTurnId,
    modelId: reply.model.id,
    modelName: reply.model.displayName,
    status: "streaming",
    decision: route.decision,
  };

  const stream = createUIMessageStream<ChatMessage>({
    execute: async ({ writer }) => {
      writer.write({ type: "start", messageMetadata: startMetadata });
      let textOpen = false;
      try {
        for await (const delta of coalesceDeltas(reply.deltas(), DELTA_WINDOW_MS)) {
          if (!textOpen) writer.write({ type: "text-start", id: TEXT_PART_ID });
          textOpen = true;
          writer.write({ type: "text-delta", id: TEXT_PART_ID, delta });
        }
        if (textOpen) writer.write({ type: "text-end", id: TEXT_PART_ID });
      } finally {
        // The stream ends only once the turn's outcome is stored, so what a client saw end is never lost.
        await assistant.finish();
      }
      const end = reply.end ?? { status: "stopped" };
      if (end.status === "failed") writer.write({ type: "error", errorText: end.error });
      else if (end.status === "stopped") writer.write({ type: "abort" });
      else writer.write({ type: "finish", messageMetadata: { status: "completed" } });
    },
    onError: (error) => (error instanceof OutcomeNotStoredError ? error.message : describeLlmError(error)),
  });
  // no-transform keeps Next's gzip off this stream: compressing a few bytes per chunk costs CPU and delays chunks.
  return createUIMessageStreamResponse({ stream, headers: { "cache-control": "no-cache, no-transform" } });
}
