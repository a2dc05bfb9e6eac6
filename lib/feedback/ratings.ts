import "server-only";
import { prisma } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { checkAutoRetrain } from "@/lib/router/auto-retrain";
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

type StoredRating = {
  turnId: string;
  thumbsUp: boolean | null;
  stars: number | null;
  comment: string | null;
  reasons: string[];
  value: number;
  updatedAt: Date;
};

/**
 * Creates or replaces the user's rating of one answer. One row per (turn, user)
 * whatever the number of clicks, retries or concurrent edits; the new rating
 * enters the user's graph on their next turn. One statement checks that the
 * answer is the user's and finished, and writes the rating; only a refused
 * rating reads the turn again, to say why.
 */
export async function saveRating({ userId, turnId, input }: { userId: string; turnId: string; input: RatingInput }) {
  const value = ratingFromSignal({ stars: input.stars, thumbs: input.thumbsUp === null ? null : input.thumbsUp ? "up" : "down" });
  if (value === null) throw new AppError("bad_request:rating", "Give a thumb or 1 to 5 stars.");
  const [rating] = await prisma.$queryRaw<StoredRating[]>`
    INSERT INTO ratings (id, turn_id, user_id, thumbs_up, stars, comment, reasons, value, source, updated_at)
    SELECT gen_random_uuid(), t.id, t.user_id, ${input.thumbsUp}::boolean, ${input.stars}::int, ${input.comment}::text, ${input.reasons ?? []}::text[], ${value}::float8, 'ui', now()
      FROM turns t
     WHERE t.id = ${turnId}::uuid AND t.user_id = ${userId}::uuid AND t.role = 'assistant' AND t.status IN ('completed', 'stopped')
    ON CONFLICT (turn_id, user_id) DO UPDATE
       SET thumbs_up = excluded.thumbs_up, stars = excluded.stars, comment = excluded.comment, reasons = excluded.reasons,
           value = excluded.value, source = excluded.source, updated_at = excluded.updated_at
    RETURNING turn_id::text AS "turnId", thumbs_up AS "thumbsUp", stars, comment, reasons, value, updated_at AS "updatedAt"`;
  if (!rating) {
    await ratableTurn({ userId, turnId });
    throw new AppError("conflict:rating", "This answer changed while it was being rated; try again.");
  }
  invalidateUserVector(userId);
  void checkAutoRetrain();
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
