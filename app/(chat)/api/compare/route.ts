import { requireUser } from "@/lib/auth/require-user";
import { toErrorResponse } from "@/lib/errors";
import { startComparison } from "@/lib/feedback/compare";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { limitChat } from "@/lib/security/rate-limit";
import { startCompareBody } from "./schema";

/** Compare mode, step 1: store the message and pick the two models; the client then streams both answers. */
export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const body = await parseJsonBody(request, startCompareBody, "chat", 128_000); // read first, as in /api/chat
    // A comparison stores a user turn and two answers: it counts as a chat turn.
    await limitChat(request, user.id);
    return Response.json(await startComparison({ userId: user.id, ...body }), { status: 201 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
