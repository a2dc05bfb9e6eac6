import { requireUser } from "@/lib/auth/require-user";
import { streamChatReply } from "@/lib/chat/stream-reply";
import { env } from "@/lib/env";
import { toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { limitChat } from "@/lib/security/rate-limit";
import { postChatBody } from "./schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    // Room for the JSON envelope and escaping around a maximum-size message. The capped body is read before the
    // limit is checked, so that a refusal never leaves an upload unread (the client would see a reset, not a 429).
    const body = await parseJsonBody(request, postChatBody, "chat", env.MAX_MESSAGE_CHARS * 6 + 4_096);
    await limitChat(request, user.id);
    return await streamChatReply({ userId: user.id, ...body }, request.signal);
  } catch (err) {
    return toErrorResponse(err);
  }
}
