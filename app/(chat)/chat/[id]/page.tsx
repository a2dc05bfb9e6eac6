import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { Chat } from "@/components/chat";
import { auth } from "@/lib/auth";
import { toChatMessages } from "@/lib/chat/thread";
import { getChatSessionForUser } from "@/lib/db/queries/chat-sessions";
import { listEnabledModels } from "@/lib/db/queries/models";
import { getThread } from "@/lib/db/queries/turns";
import { AppError } from "@/lib/errors";
import { getRatingsForTurns } from "@/lib/feedback/ratings";

export const dynamic = "force-dynamic";

export default async function ChatPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await auth();
  if (!session?.user?.id) redirect("/login");
  if (!z.uuid().safeParse(id).success) notFound();
  try {
    await getChatSessionForUser({ id, userId: session.user.id });
  } catch (err) {
    if (err instanceof AppError && err.status === 404) notFound();
    throw err;
  }
  const [thread, models] = await Promise.all([getThread({ chatSessionId: id }), listEnabledModels()]);
  const names = new Map(models.map((m) => [m.id, m.displayName]));
  const ratings = await getRatingsForTurns({ userId: session.user.id, turnIds: thread.filter((t) => t.role === "assistant").map((t) => t.id) });
  const ratingByTurn = new Map(ratings.map((r) => [r.turnId, { thumbsUp: r.thumbsUp, stars: r.stars, comment: r.comment }]));
  return <Chat key={id} chatSessionId={id} initialMessages={toChatMessages(thread, names, ratingByTurn)} models={models.map((m) => ({ id: m.id, displayName: m.displayName }))} />;
}
