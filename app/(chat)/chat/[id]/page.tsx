import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { Chat } from "@/components/chat";
import { auth } from "@/lib/auth";
import { toChatMessages } from "@/lib/chat/thread";
import { getChatSessionForUser } from "@/lib/db/queries/chat-sessions";
import { listEnabledModels } from "@/lib/db/queries/models";
import { getThreadWithAnswers } from "@/lib/db/queries/turns";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getRatingsForTurns } from "@/lib/feedback/ratings";
import { toModelOptions } from "../../model-options";

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
  const [thread, models] = await Promise.all([getThreadWithAnswers({ chatSessionId: id }), listEnabledModels()]);
  const names = new Map(models.map((m) => [m.id, m.displayName]));
  const answerIds = thread.flatMap((t) => (t.role === "assistant" ? t.answers.map((a) => a.id) : []));
  const ratings = await getRatingsForTurns({ userId: session.user.id, turnIds: answerIds });
  const ratingByTurn = new Map(ratings.map((r) => [r.turnId, { thumbsUp: r.thumbsUp, stars: r.stars, comment: r.comment, reasons: r.reasons }]));
  return (
    <Chat
      key={id}
      chatSessionId={id}
      initialMessages={toChatMessages(thread, names, ratingByTurn)}
      models={toModelOptions(models)}
      maxChars={env.MAX_MESSAGE_CHARS}
    />
  );
}
