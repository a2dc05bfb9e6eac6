import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { invalidateUserVector } from "@/lib/router/runtime";
import { ratingFromSignal } from "@/router-core";
import type { RatingReason } from "./reasons";

export type RatingInput = { thumbsUp: boolean | null; stars: number | null; comment: string | null; reasons?: RatingReason[] };

const ratingFields = { turnId: true, thumbsUp: true, stars: true, comment: true, reasons: true, value: true, updatedAt: true } as const;

/** The user's own finished assistant turn (completed, or stopped with what it had said), or a 4xx saying why it cannot be rated. */
async function ratableTurn({ userId, turnId }: { userId: string; turnId: string }) {
  const turn = await prisma.turn.findFirst({ where: { id: turnId, userId, role: "assistant" }, select: { status: true } });
  if (!turn) throw new AppError("not_found:rating", "Message not found.");
  if (turn.status !== "completed" && turn.status !== "stopped")
    throw new AppError("bad_request:rating", `Only finished answers can be rated; this answer is ${turn.status}.`);
}

/**
 * Creates or replaces the user's rating of one answer. One row per (turn, user)
 * whatever the number of clicks, retries or concurrent edits; the new rating
 * enters the user's graph on their next turn.
 */
export async function saveRating({ userId, turnId, input }: { userId: string; turnId: string; input: RatingInput }) {
  await ratableTurn({ userId, turnId });
  const value = ratingFromSignal({ stars: input.stars, thumbs: input.thumbsUp === null ? null : input.thumbsUp ? "up" : "down" });
  if (value === null) throw new AppError("bad_request:rating", "Give a thumb or 1 to 5 stars.");
  const data = { thumbsUp: input.thumbsUp, stars: input.stars, comment: input.comment, reasons: input.reasons ?? [], value, source: "ui" };
  const rating = await prisma.rating.upsert({
    where: { turnId_userId: { turnId, userId } },
    create: { turnId, userId, ...data },
    update: data,
    select: ratingFields,
  });
  invalidateUserVector(userId);
  return rating;
}

export async function deleteRating({ userId, turnId }: { userId: string; turnId: string }) {
  const turn = await prisma.turn.findFirst({ where: { id: turnId, userId, role: "assistant" }, select: { id: true } });
  if (!turn) throw new AppError("not_found:rating", "Message not found.");
  await prisma.rating.deleteMany({ where: { turnId, userId } });
  invalidateUserVector(userId);
}

/** The user's ratings of the given turns, for rendering stored history. */
export async function getRatingsForTurns({ userId, turnIds }: { userId: string; turnIds: string[] }) {
  return prisma.rating.findMany({ where: { userId, turnId: { in: turnIds } }, select: ratingFields });
}
