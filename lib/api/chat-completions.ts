import "server-only";
import { createChatSession } from "@/lib/db/queries/chat-sessions";
import { lastReadEnabledModels } from "@/lib/db/queries/models";
import { AppError } from "@/lib/errors";
import type { PromptMessage, Reply, SamplingSettings } from "@/lib/llm/reply-stream";
import { getLogger } from "@/lib/log";
import { prepareRoute } from "@/lib/router/runtime";
import { checkModelChoice, readTurnCatalog, routeAheadOfCatalog, routeTurn } from "@/lib/turn/route-turn";
import { runTurn, storeUserTurn } from "@/lib/turn/run-turn";
import { type CompletionIdentity, completionBody, openAIEnding, SSE_DONE, sseChunk, sseError, sseUsageChunk, toSwitchboardInfo } from "./completion-format";
import { toOpenAIErrorResponse, UpstreamModelError } from "./openai-errors";

/** The model name that asks Switchboard's router to choose. */
export const AUTO_MODEL = "auto";

export type CompletionParams = {
  model: string;
  messages: PromptMessage[];
  stream: boolean;
  includeUsage: boolean;
  settings: SamplingSettings;
};

const logger = getLogger("openai-api");

/**
 * The OpenAI wire adapter: serves one chat completion for an API key's user
 * through the turn pipeline (lib/turn/run-turn.ts), as SSE chunks or one JSON
 * body. The request's messages are the model's context (the API stays
 * stateless, as OpenAI's is); the last user message and the answer are stored
 * as turns of a chat session (a new one per call unless `chatSessionId` names
 * one of the user's sessions), with the router's decision, so API traffic is
 * rated and learned from like chat.
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
  const lastUser = params.messages.findLastIndex((m) => m.role === "user");
  const queryText = params.messages[lastUser]?.content ?? "";
  const earlier = params.messages
    .slice(0, Math.max(lastUser, 0))
    .filter((m) => m.role === "user")
    .map((m) => m.content);
  prepareRoute({ message: queryText, earlierUserMessages: earlier });
  const modelId = params.model === AUTO_MODEL ? undefined : params.model;
  const known = lastReadEnabledModels();
  const { stamps, models: modelsRead } = readTurnCatalog(userId);
  const choice = modelsRead.then((models) => ({
    models,
    picked: checkModelChoice(
      models,
      modelId,
      (id) => new AppError("not_found:model", `The model "${id}" does not exist or is not enabled. Use "auto" to let Switchboard choose.`),
    ),
  }));
  const routing = routeAheadOfCatalog({
    known,
    choice,
    modelId,
    route: ({ models, picked }) => routeTurn({ userId, queryText, earlierUserMessages: earlier, models, picked, stamps }),
  });
  routing.catch(() => {}); // a refused choice is thrown below
  const { models, picked } = await choice;
  const question = (async () => {
    const sessionId = chatSessionId ?? (await createChatSession({ userId, source: "api" })).id;
    // The statement checks that a named session is the user's and has room.
    return storeUserTurn({ chatSessionId: sessionId, userId, content: queryText, adding: 2 });
  })();
  const {
    route,
    reply,
    assistant,
    chatSessionId: storedSessionId,
  } = await runTurn({
    userId,
    models,
    picked,
    queryText,
    earlierUserMessages: earlier,
    messages: params.messages,
    settings: params.settings,
    question,
    stamps,
    route: routing,
    signal,
  });

  const identity: CompletionIdentity = { id: `chatcmpl-${assistant.id}`, created: Math.floor(Date.now() / 1000), model: reply.model.id };
  const switchboard = toSwitchboardInfo({ turnId: assistant.id, chatSessionId: storedSessionId, decision: route.decision });
  const headers = { "x-switchboard-turn-id": assistant.id, "x-switchboard-chat-session-id": storedSessionId, "x-switchboard-model": reply.model.id };
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
