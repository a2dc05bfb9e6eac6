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
    await limitChat(request, user.id);
    // Room for the JSON envelope and escaping around a maximum-size message.
    const body = await parseJsonBody(request, postChatBody, "chat", env.MAX_MESSAGE_CHARS * 6 + 4_096);
    return await streamChatReply({ userId: user.id, ...body }, request.signal);
  } catch (err) {
    return toErrorResponse(err);
  }
}
