import { createChatCompletion } from "@/lib/api/chat-completions";
import { authenticateApiKey } from "@/lib/api/keys";
import { toOpenAIErrorResponse } from "@/lib/api/openai-errors";
import { AppError } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { withSpan } from "@/lib/observability/tracing";
import { limitChat } from "@/lib/security/rate-limit";
import { chatCompletionBody, chatSessionHeader, MAX_BODY_BYTES } from "./schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return withSpan("http POST /v1/chat/completions", { "http.route": "/v1/chat/completions" }, async () => {
    try {
      const { userId } = await authenticateApiKey(request);
      // API calls share the chat rate limits, so a key cannot bypass what the web chat enforces.
      await limitChat(request, userId);
      const params = await parseJsonBody(request, chatCompletionBody, "api", MAX_BODY_BYTES);
      const header = chatSessionHeader.safeParse(request.headers.get("x-switchboard-chat-session-id") ?? undefined);
      if (!header.success) throw new AppError("bad_request:api", header.error.issues[0].message);
      return await createChatCompletion({ userId, chatSessionId: header.data, params, signal: request.signal });
    } catch (err) {
      return toOpenAIErrorResponse(err);
    }
  });
}
