import { requireUser } from "@/lib/auth/require-user";
import { createChatSession, listChatSessions, searchChatSessions } from "@/lib/db/queries/chat-sessions";
import { AppError, toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { limitSessionCreation } from "@/lib/security/rate-limit";
import { createSessionBody, searchSessionsQuery } from "./schema";

/** The user's chats; with `?q=`, those whose title or messages contain the text. */
export async function GET(request: Request) {
  try {
    const user = await requireUser();
    const params = new URL(request.url).searchParams;
    if (!params.has("q")) return Response.json({ sessions: await listChatSessions({ userId: user.id }) });
    const parsed = searchSessionsQuery.safeParse({ q: params.get("q") });
    if (!parsed.success) throw new AppError("bad_request:session", parsed.error.issues[0].message);
    return Response.json({ sessions: await searchChatSessions({ userId: user.id, query: parsed.data.q }) });
  } catch (err) {
    return toErrorResponse(err);
  }
}

export async function POST(request: Request) {
  try {
    assertSameOrigin(request);
    const user = await requireUser();
    const body = await parseJsonBody(request, createSessionBody, "session", 4_096);
    await limitSessionCreation(user.id);
    return Response.json({ session: await createChatSession({ userId: user.id, title: body.title }) }, { status: 201 });
  } catch (err) {
    return toErrorResponse(err);
  }
}
