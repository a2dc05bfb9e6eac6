import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";

const summary = { id: true, title: true, createdAt: true, updatedAt: true } as const;

/** Where a session was started: the chat UI, or the OpenAI-compatible API (whose sessions stay out of the sidebar). */
export type SessionSource = "app" | "api";

/** The user's chats started in the app, newest first. */
export function listChatSessions({ userId, limit = 100 }: { userId: string; limit?: number }) {
  return prisma.chatSession.findMany({ where: { userId, source: "app" }, orderBy: { updatedAt: "desc" }, take: limit, select: summary });
}

export type SessionMatch = { id: string; title: string; snippet: string | null };

/** LIKE pattern for a literal substring: %, _ and the escape character itself match only themselves. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A stretch of ``text`` around the first case-insensitive occurrence of ``needle``, at most about 100 characters. */
function excerpt(text: string, needle: string): string {
  const at = text.toLowerCase().indexOf(needle.toLowerCase());
  const start = Math.max(0, at - 40);
  const body = text
    .slice(start, start + 100)
    .replace(/\s+/g, " ")
    .trim();
  return `${start > 0 ? "…" : ""}${body}${start + 100 < text.length ? "…" : ""}`;
}

/** The user's app chats whose title or any message contains ``query`` (case-insensitive), newest first, with the first matching message's excerpt. */
export async function searchChatSessions({ userId, query, limit = 50 }: { userId: string; query: string; limit?: number }): Promise<SessionMatch[]> {
  const pattern = containsPattern(query);
  const rows = await prisma.$queryRaw<{ id: string; title: string; content: string | null }[]>`
    SELECT s.id::text, s.title,
      (SELECT t.content FROM turns t WHERE t.chat_session_id = s.id AND t.content ILIKE ${pattern} ORDER BY t.position LIMIT 1) AS content
    FROM chat_sessions s
    WHERE s.user_id = ${userId}::uuid AND s.source = 'app'
      AND (s.title ILIKE ${pattern} OR EXISTS (SELECT 1 FROM turns t WHERE t.chat_session_id = s.id AND t.content ILIKE ${pattern}))
    ORDER BY s.updated_at DESC
    LIMIT ${limit}`;
  return rows.map((r) => ({ id: r.id, title: r.title, snippet: r.content === null ? null : excerpt(r.content, query) }));
}

export function createChatSession({ userId, title, source = "app" }: { userId: string; title?: string; source?: SessionSource }) {
  return prisma.chatSession.create({ data: { userId, title: title ?? "New chat", source }, select: summary });
}

/** A session owned by this user; someone else's session is reported as missing, never as forbidden, so ids do not leak. */
export async function getChatSessionForUser({ id, userId }: { id: string; userId: string }) {
  const session = await prisma.chatSession.findFirst({ where: { id, userId }, select: summary });
  if (!session) throw new AppError("not_found:session", "Chat session not found.");
  return session;
}

export async function renameChatSession({ id, userId, title }: { id: string; userId: string; title: string }) {
  const { count } = await prisma.chatSession.updateMany({ where: { id, userId }, data: { title } });
  if (count === 0) throw new AppError("not_found:session", "Chat session not found.");
  return getChatSessionForUser({ id, userId });
}

export async function deleteChatSession({ id, userId }: { id: string; userId: string }) {
  const { count } = await prisma.chatSession.deleteMany({ where: { id, userId } });
  if (count === 0) throw new AppError("not_found:session", "Chat session not found.");
}
