import "server-only";
import type { ModelMessage } from "ai";
import { beginAssistantTurn } from "@/lib/chat/assistant-turn";
import { checkModelChoice, fallbackOrder, routeTurn } from "@/lib/chat/route-turn";
import { createChatSession } from "@/lib/db/queries/chat-sessions";
import { listEnabledModels } from "@/lib/db/queries/models";
import { appendUserTurn } from "@/lib/db/queries/turns";
import { AppError } from "@/lib/errors";
import { openReply, type Reply, type SamplingSettings } from "@/lib/llm/reply-stream";
import { getLogger } from "@/lib/log";
import { withSpan } from "@/lib/observability/tracing";
import { type CompletionIdentity, completionBody, openAIEnding, SSE_DONE, sseChunk, sseError, sseUsageChunk, toSwitchboardInfo } from "./completion-format";
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
 * with the router's decision, so API traffic is rated and learned from like
 * chat. The same fallback as chat applies: with `model: "auto"`, a model that
 * fails before its first token hands the turn to the next-ranked one.
 */
export async function createChatCompletion({
  userId,
  chatSessionId,
  params,
  signal,
}: {
  userId: string;
  chatSessionId?: string;
  params: CompletionParams;
  signal: AbortSignal;
}): Promise<Response> {
  const overrideModelId = params.model === AUTO_MODEL ? undefined : params.model;
  const models = await listEnabledModels();
  if (overrideModelId && !models.some((m) => m.id === overrideModelId)) {
    throw new AppError("not_found:model", `The model "${overrideModelId}" does not exist or is not enabled. Use "auto" to let Switchboard choose.`);
  }
  const picked = checkModelChoice(models, overrideModelId);
  const lastUser = params.messages.findLastIndex((m) => m.role === "user");
  const queryText = params.messages[lastUser]?.content ?? "";
  const earlier = params.messages
    .slice(0, Math.max(lastUser, 0))
    .filter((m) => m.role === "user")
    .map((m) => m.content);

  const [route, stored] = await Promise.all([
    withSpan("router.route_turn", { "switchboard.override": Boolean(picked) }, async (span) => {
      const chosen = await routeTurn({ userId, queryText, earlierUserMessages: earlier, models, picked });
      span.setAttributes({ "switchboard.model": chosen.model.id, "switchboard.router_version": chosen.decision.routerVersion });
      return chosen;
    }),
    withSpan("db.store_user_turn", {}, async () => {
      const sessionId = chatSessionId ?? (await createChatSession({ userId, source: "api" })).id;
      // The statement checks that a named session is the user's and has room.
      return { sessionId, userTurn: await appendUserTurn({ chatSessionId: sessionId, userId, content: queryText, adding: 2 }) };
    }),
  ]);
  const reply = await openReply({
    models: fallbackOrder(route, models),
    messages: params.messages satisfies ModelMessage[],
    settings: params.settings,
    signal,
    allowSystemInMessages: true,
  });
  const assistant = beginAssistantTurn({
    chatSessionId: stored.sessionId,
    userId,
    parentId: stored.userTurn.id,
    decision: route.decision,
    query: route.query,
    reply,
  });

  const identity: CompletionIdentity = { id: `chatcmpl-${assistant.id}`, created: Math.floor(Date.now() / 1000), model: reply.model.id };
  const switchboard = toSwitchboardInfo({ turnId: assistant.id, chatSessionId: stored.sessionId, decision: route.decision });
  const headers = { "x-switchboard-turn-id": assistant.id, "x-switchboard-chat-session-id": stored.sessionId, "x-switchboard-model": reply.model.id };
  logger.info(
    { userId, turnId: assistant.id, model: reply.model.id, routedTo: route.model.id, routerVersion: route.decision.routerVersion, stream: params.stream },
    "chat completion",
  );

  // A model that failed before any token answers with a proper status instead of a broken stream.
  const failedBeforeFirstToken = failureOf(reply);
  if (failedBeforeFirstToken !== null) {
    await assistant.finish();
    return withHeaders(toOpenAIErrorResponse(new UpstreamModelError(failedBeforeFirstToken)), headers);
  }

  if (!params.stream) {
    for await (const _delta of reply.deltas());
    try {
      await assistant.finish();
    } catch (err) {
      return withHeaders(toOpenAIErrorResponse(err), headers);
    }
    const failure = failureOf(reply);
    if (failure !== null) return withHeaders(toOpenAIErrorResponse(new UpstreamModelError(failure)), headers);
    return Response.json(completionBody(identity, { content: reply.text, ...openAIEnding(reply.end), switchboard }), { headers });
  }

  const encoder = new TextEncoder();
  const deltas = reply.deltas();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(sseChunk(identity, { delta: { role: "assistant", content: "" }, includeUsage: params.includeUsage, switchboard })));
    },
    async pull(controller) {
      const send = (text: string) => controller.enqueue(encoder.encode(text));
      const step = await deltas.next();
      if (!step.done) return send(sseChunk(identity, { delta: { content: step.value }, includeUsage: params.includeUsage }));
      try {
        await assistant.finish();
        const failure = failureOf(reply);
        if (failure !== null) send(sseError(failure));
        else {
          const { finishReason, usage } = openAIEnding(reply.end);
          send(sseChunk(identity, { delta: {}, finishReason, includeUsage: params.includeUsage }));
          if (params.includeUsage) send(sseUsageChunk(identity, usage));
          send(SSE_DONE);
        }
      } catch (err) {
        send(sseError(err instanceof Error ? err.message : "The answer could not be stored."));
      }
      controller.close();
    },
    async cancel() {
      await deltas.return();
      await assistant.finish();
    },
  });
  return new Response(stream, {
    headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
function failureOf(reply: Reply): string | null {
  return reply.end?.status === "failed" ? reply.end.error : null;
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}
