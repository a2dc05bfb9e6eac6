import { requireUser } from "@/lib/auth/require-user";
import { deleteChatSession, getChatSessionForUser, renameChatSession } from "@/lib/db/queries/chat-sessions";
import { getThread } from "@/lib/db/queries/turns";
import { AppError, toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { renameSessionBody, sessionIdParam } from "../schema";

type Context = { params: Promise<{ id: string }> };

async function sessionId(context: Context): Promise<string> {
  const parsed = sessionIdParam.safeParse((await context.params).id);
  // A malformed id cannot name anyone's session: answer as for a missing one.
  if (!parsed.success) throw new AppError("not_found:session", "Chat session not found.");
  return parsed.data;
}

export async function GET(_request: Request, context: Context) {
  try {
    const user = await requireUser();
    const session = await getChatSessionForUser({ id: await sessionId(context), userId: user.id });
    return Response.json({ session, turns: await getThread({ chatSessionId: session.id }) });
  } catch (err) {
    return toErrorResponse(err);
  }
}

export async function PATCH(request: Request, context: Context) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const id = await sessionId(context);
    const body = await parseJsonBody(request, renameSessionBody, "session", 4_096);
    return Response.json({ session: await renameChatSession({ id, userId: user.id, title: body.title }) });
  } catch (err) {
    return toErrorResponse(err);
  }
}

export async function DELETE(request: Request, context: Context) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    await deleteChatSession({ id: await sessionId(context), userId: user.id });
    return new Response(null, { status: 204 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
