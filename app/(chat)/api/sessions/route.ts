import { requireUser } from "@/lib/auth/require-user";
import { createChatSession, listChatSessions } from "@/lib/db/queries/chat-sessions";
import { toErrorResponse } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http";
import { assertSameOrigin } from "@/lib/security/origin";
import { limitSessionCreation } from "@/lib/security/rate-limit";
import { createSessionBody } from "./schema";

export async function GET() {
  try {
    const user = await requireUser();
    return Response.json({ sessions: await listChatSessions({ userId: user.id }) });
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
