import { requireUser } from "@/lib/auth/require-user";
import { streamChatReply } from "@/lib/chat/stream-reply";
import { toErrorResponse } from "@/lib/errors";
import { checkComparisonSide } from "@/lib/feedback/compare";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { limitChat } from "@/lib/security/rate-limit";
import { compareAnswerBody } from "../schema";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Compare mode, step 2 (once per side): stream one model's answer; stored as a compare side, not as a user override. */
export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const body = await parseJsonBody(request, compareAnswerBody, "chat", 2_048); // read first, as in /api/chat
    await limitChat(request, user.id);
    await checkComparisonSide({ userId: user.id, ...body });
    return await streamChatReply(
      { userId: user.id, chatSessionId: body.chatSessionId, trigger: "regenerate-message", modelId: body.modelId, compareUserTurnId: body.userTurnId },
      request.signal,
    );
  } catch (err) {
    return toErrorResponse(err);
  }
}
