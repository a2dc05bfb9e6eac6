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
