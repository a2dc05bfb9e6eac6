import "server-only";
import type { ModelMessage } from "ai";
import { routeTurn } from "@/lib/chat/route-turn";
import { createChatSession, deleteChatSession, getChatSessionForUser } from "@/lib/db/queries/chat-sessions";
import { getEnabledModel } from "@/lib/db/queries/models";
import { appendUserTurn, recordDecision, startAssistantTurn } from "@/lib/db/queries/turns";
import { AppError } from "@/lib/errors";
import { getLogger } from "@/lib/log";
import { withSpan } from "@/lib/observability/tracing";
import { assertSessionHasRoom } from "@/lib/security/session-size";
import { completionBody, sseChunk, sseError, sseUsageChunk, SSE_DONE, toSwitchboardInfo, type CompletionIdentity } from "./completion-format";
import { generateReply, type GenerationEnd, type SamplingSettings } from "./generation";
import { toOpenAIErrorResponse, UpstreamModelError } from "./openai-errors";

/** The model name that asks Switchboard's router to choose. */
export const AUTO_MODEL = "auto";

export type CompletionMessage = { role: "system" | "user" | "assistant"; content: string };

export type CompletionParams = {
  model: string;
  messages: CompletionMessage[];
  stream: boolean;
  includeUsage: boolean;
  settings: SamplingSettings;
};

const logger = getLogger("openai-api");

/**
 * Serves one OpenAI-style chat completion for an API key's user. The request's
 * messages are the model's context (the API stays stateless, as OpenAI's is);
 * the last user message and the answer are stored as turns of a chat session
 * (a new one per call unless `chatSessionId` names one of the user's sessions),
 * with the router's decision, so API traffic is rated and learned from like chat.
 */
export async function createChatCompletion({ userId, chatSessionId, params, signal }: { userId: string; chatSessionId?: string; params: CompletionParams; signal: AbortSignal }): Promise<Response> {
  const overrideModelId = params.model === AUTO_MODEL ? undefined : params.model;
  if (overrideModelId && !(await getEnabledModel({ id: overrideModelId }))) {
    throw new AppError("not_found:model", `The model "${overrideModelId}" does not exist or is not enabled. Use "auto" to let Switchboard choose.`);
  }
  const queryText = params.messages.findLast((m) => m.role === "user")?.content ?? "";
  const session = chatSessionId ? await getChatSessionForUser({ id: chatSessionId, userId }) : await createChatSession({ userId });
  if (chatSessionId) await assertSessionHasRoom({ chatSessionId, adding: 2 });

  const route = await withSpan("router.route_turn", { "switchboard.override": Boolean(overrideModelId) }, async (span) => {
    try {
      const chosen = await routeTurn({ userId, chatSessionId: session.id, queryText, overrideModelId });
      span.setAttributes({ "switchboard.model": chosen.model.id, "switchboard.router_version": chosen.decision.routerVersion });
      return chosen;
    } catch (err) {
      // A call the router rejects leaves nothing behind, not even the session made for it.
      if (!chatSessionId) await deleteChatSession({ id: session.id, userId });
      throw err;
    }
  });

  const assistant = await withSpan("db.store_turns", { "switchboard.chat_session_id": session.id }, async () => {
    const userTurn = await appendUserTurn({ chatSessionId: session.id, userId, content: queryText });
    const started = await startAssistantTurn({ chatSessionId: session.id, userId, parentId: userTurn.id, modelId: route.model.id });
    await recordDecision({ turnId: started.id, userId, decision: route.decision, query: route.query });
    return started;
  });

  const identity: CompletionIdentity = { id: `chatcmpl-${assistant.id}`, created: Math.floor(Date.now() / 1000), model: route.model.id };
  const switchboard = toSwitchboardInfo({ turnId: assistant.id, chatSessionId: session.id, decision: route.decision });
  const headers = { "x-switchboard-turn-id": assistant.id, "x-switchboard-chat-session-id": session.id, "x-switchboard-model": route.model.id };
  logger.info({ userId, turnId: assistant.id, model: route.model.id, routerVersion: route.decision.routerVersion, stream: params.stream }, "chat completion");

  const reply = generateReply({ assistantTurnId: assistant.id, model: route.model, messages: params.messages satisfies ModelMessage[], settings: params.settings, signal });
  // Waiting for the first delta (or the end) lets an upstream failure before any token answer with a proper status instead of a broken stream.
  let first: IteratorResult<string, GenerationEnd>;
  try {
    first = await reply.next();
  } catch (err) {
    return withHeaders(toOpenAIErrorResponse(err), headers);
  }

  if (!params.stream) {
    let content = "";
    try {
      let step = first;
      while (!step.done) {
        content += step.value;
        step = await reply.next();
      }
      return Response.json(completionBody(identity, { content, finishReason: step.value.finishReason, usage: step.value.usage, switchboard }), { headers });
    } catch (err) {
      return withHeaders(toOpenAIErrorResponse(err), headers);
    }
  }

  const encoder = new TextEncoder();
  let step = first;
  let opened = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const send = (text: string) => controller.enqueue(encoder.encode(text));
      try {
        if (!opened) {
          opened = true;
          send(sseChunk(identity, { delta: { role: "assistant", content: "" }, includeUsage: params.includeUsage, switchboard }));
        }
        if (!step.done) {
          send(sseChunk(identity, { delta: { content: step.value }, includeUsage: params.includeUsage }));
          step = await reply.next();
          return;
        }
        send(sseChunk(identity, { delta: {}, finishReason: step.value.finishReason, includeUsage: params.includeUsage }));
        if (params.includeUsage) send(sseUsageChunk(identity, step.value.usage));
        send(SSE_DONE);
        controller.close();
      } catch (err) {
        send(sseError(err instanceof UpstreamModelError ? err.message : "The model stream failed."));
        controller.close();
      }
    },
    async cancel() {
      await reply.return({ finishReason: "stop", usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
    },
  });
  return new Response(stream, { headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" } });
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}
