import "server-only";
import { prisma } from "@/lib/db/client";
import { invalidateUserVector } from "@/lib/router/runtime";

/**
 * A user's own data, and "forget my preferences". Forgetting deletes the
 * user's ratings and clears their compare votes (the side-by-side answers stay
 * in their chats), and stamps users.preferences_reset_at: router overrides stay
 * in routing_decisions, a log that must not be rewritten, and the history
 * store leaves out overrides logged before that stamp.
 */

/** Everything stored about the user's chats and preferences, as one JSON document (no password hash, no key hashes, no embeddings). */
export async function exportUserData({ userId }: { userId: string }) {
  const [user, chatSessions, turns, ratings, comparisons, routingDecisions] = await Promise.all([
    prisma.user.findUniqueOrThrow({
      where: { id: userId },
      select: { id: true, email: true, name: true, role: true, createdAt: true, preferencesResetAt: true },
    }),
    prisma.chatSession.findMany({ where: { userId }, orderBy: { createdAt: "asc" } }),
    prisma.turn.findMany({
      where: { userId },
      orderBy: [{ chatSessionId: "asc" }, { position: "asc" }],
      omit: { queryEmbedding: true, embedderId: true },
    }),
    prisma.rating.findMany({ where: { userId }, orderBy: { createdAt: "asc" } }),
    prisma.comparison.findMany({ where: { userId }, orderBy: { createdAt: "asc" } }),
    prisma.routingDecision.findMany({ where: { userId }, orderBy: { createdAt: "asc" } }),
  ]);
  return { exportedAt: new Date().toISOString(), user, chatSessions, turns, ratings, comparisons, routingDecisions };
}

export type ForgetResult = { ratingsDeleted: number; votesCleared: number; preferencesResetAt: Date };

export async function forgetPreferences({ userId }: { userId: string }): Promise<ForgetResult> {
  const result = await prisma.$transaction(async (tx) => {
    const ratings = await tx.rating.deleteMany({ where: { userId } });
    const votes = await tx.comparison.updateMany({ where: { userId, winner: { not: null } }, data: { winner: null, votedAt: null } });
    const user = await tx.user.update({ where: { id: userId }, data: { preferencesResetAt: new Date() }, select: { preferencesResetAt: true } });
    return { ratingsDeleted: ratings.count, votesCleared: votes.count, preferencesResetAt: user.preferencesResetAt! };
  });
  invalidateUserVector(userId);
  return result;
}
