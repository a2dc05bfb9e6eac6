import "server-only";
import { prisma } from "@/lib/db/client";

export type StrongRating = {
  turnId: string;
  question: string;
  modelId: string;
  value: number;
  stars: number | null;
  thumbsUp: boolean | null;
  reasons: string[];
  updatedAt: Date;
};

/** The user's ratings that pull hardest on routing (furthest from neutral), newest first among equals. */
export function getStrongestRatings({ userId, limit }: { userId: string; limit: number }) {
  return prisma.$queryRaw<StrongRating[]>`
    SELECT a.id::text AS "turnId", left(u.content, 160) AS question, a.model_id AS "modelId", r.value, r.stars, r.thumbs_up AS "thumbsUp", r.reasons, r.updated_at AS "updatedAt"
      FROM ratings r JOIN turns a ON a.id = r.turn_id JOIN turns u ON u.id = a.parent_id
     WHERE r.user_id = ${userId}::uuid AND a.model_id IS NOT NULL
     ORDER BY abs(r.value - 0.5) DESC, r.updated_at DESC
     LIMIT ${limit}`;
}

/** How many of the user's turns went to each model per day, over the last `days` days. */
export function getMyDailyChoices({ userId, days }: { userId: string; days: number }) {
  return prisma.$queryRaw<{ day: string; modelId: string; turns: number }[]>`
    SELECT to_char(date_trunc('day', created_at), 'YYYY-MM-DD') AS day, chosen_model_id AS "modelId", count(*)::int AS turns
      FROM routing_decisions
     WHERE user_id = ${userId}::uuid AND created_at >= now() - make_interval(days => ${days}::int)
     GROUP BY 1, 2
     ORDER BY 1, 2`;
}
