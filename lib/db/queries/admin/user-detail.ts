import "server-only";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { turnSpend, withAggregateMemory } from "./sql";

export function getAdminUser({ id }: { id: string }) {
  return prisma.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, createdAt: true } });
}

export type UserSummary = {
  turns: number;
  failed: number;
  spend: number;
  ratings: number;
  satisfaction: number | null;
  decisions: number;
  overrides: number;
  fallbacks: number;
};

export async function getUserSummary({ userId }: { userId: string }): Promise<UserSummary> {
  const [row] = await prisma.$queryRaw<UserSummary[]>`
    SELECT tt.turns, tt.failed, tt.spend, rr.ratings, rr.satisfaction, dd.decisions, dd.overrides, dd.fallbacks
      FROM (SELECT count(*)::int AS turns, count(*) FILTER (WHERE t.status = 'failed')::int AS failed, coalesce(sum(${turnSpend}), 0)::float8 AS spend
              FROM turns t LEFT JOIN llm_models m ON m.id = t.model_id WHERE t.user_id = ${userId}::uuid AND t.role = 'assistant') tt,
           (SELECT count(*)::int AS ratings, avg(r.value)::float8 AS satisfaction FROM ratings r WHERE r.user_id = ${userId}::uuid) rr,
           (SELECT count(*)::int AS decisions, count(*) FILTER (WHERE d.override)::int AS overrides, count(*) FILTER (WHERE d.fallback)::int AS fallbacks
              FROM routing_decisions d WHERE d.user_id = ${userId}::uuid) dd`;
  return row;
}

export type TimelineRow = {
  id: string;
  createdAt: Date;
  chosenModelId: string;
  candidates: Prisma.JsonValue;
  confidence: number;
  ratingsUsed: number;
  coldStart: boolean;
  override: boolean;
  fallback: boolean;
  totalMs: number;
  ratingValue: number | null;
};

/** The user's newest routing decisions, each with its candidate scores and the rating its answer got. */
export function getRoutingTimeline({ userId, limit }: { userId: string; limit: number }) {
  return prisma.$queryRaw<TimelineRow[]>`
    SELECT d.id, d.created_at AS "createdAt", d.chosen_model_id AS "chosenModelId", d.candidates, d.confidence,
           d.ratings_used AS "ratingsUsed", d.cold_start AS "coldStart", d.override, d.fallback, d.total_ms AS "totalMs",
           r.value AS "ratingValue"
      FROM routing_decisions d
      LEFT JOIN ratings r ON r.turn_id = d.turn_id AND r.user_id = d.user_id
     WHERE d.user_id = ${userId}::uuid
     ORDER BY d.created_at DESC, d.id DESC
     LIMIT ${limit}`;
}

export type UserModelRatingRow = { modelId: string; ratings: number; avgStars: number | null; thumbsUpRate: number | null; satisfaction: number };

export function getUserRatingsByModel({ userId }: { userId: string }) {
  return prisma.$queryRaw<UserModelRatingRow[]>`
    SELECT t.model_id AS "modelId", count(*)::int AS ratings, avg(r.stars)::float8 AS "avgStars",
           (count(*) FILTER (WHERE r.thumbs_up) / nullif(count(r.thumbs_up), 0)::float8) AS "thumbsUpRate",
           avg(r.value)::float8 AS satisfaction
      FROM ratings r JOIN turns t ON t.id = r.turn_id
     WHERE r.user_id = ${userId}::uuid AND t.model_id IS NOT NULL
     GROUP BY t.model_id
     ORDER BY t.model_id`;
}

export type MixRow = { modelId: string; userDecisions: number; userShare: number; populationShare: number; overrides: number };

/**
 * The user's share of decisions per chosen model against the whole
 * population's share (all users' decisions), plus the user's overrides per model.
 */
export function getUserModelMix({ userId }: { userId: string }) {
  return withAggregateMemory(
    (tx) => tx.$queryRaw<MixRow[]>`
    WITH pop AS (SELECT chosen_model_id AS model_id, count(*) AS n FROM routing_decisions GROUP BY 1),
         mine AS (SELECT chosen_model_id AS model_id, count(*) AS n, count(*) FILTER (WHERE override) AS overrides
                    FROM routing_decisions WHERE user_id = ${userId}::uuid GROUP BY 1)
    SELECT pop.model_id AS "modelId", coalesce(mine.n, 0)::int AS "userDecisions",
           coalesce(coalesce(mine.n, 0) / nullif(sum(mine.n) OVER (), 0)::float8, 0) AS "userShare",
           (pop.n / sum(pop.n) OVER ())::float8 AS "populationShare",
           coalesce(mine.overrides, 0)::int AS overrides
      FROM pop LEFT JOIN mine ON mine.model_id = pop.model_id
     ORDER BY pop.model_id`,
  );
}

export type RatingChangedRow = {
  id: string;
  createdAt: Date;
  routerVersion: string;
  chosenModelId: string;
  baselineModelId: string;
  ratingsUsed: number;
  confidence: number;
};

/**
 * Decisions the user's ratings changed. The baseline for a router version is
 * the model it chose most often (ties: lowest id) across all users' decisions
 * that used no ratings (ratings_used = 0) and were neither overridden nor a
 * fallback: what that router picks for anyone it knows nothing about. A
 * decision of this user counts as changed by ratings when it used ratings
 * (ratings_used > 0), was neither overridden nor a fallback, and chose a
 * model other than its router version's baseline.
 */
export async function getRatingChangedDecisions({ userId, limit }: { userId: string; limit: number }) {
  const rows = await prisma.$queryRaw<(RatingChangedRow & { total: number })[]>`
    WITH baseline AS (
      SELECT DISTINCT ON (router_version) router_version, chosen_model_id
        FROM (SELECT router_version, chosen_model_id, count(*) AS n
                FROM routing_decisions
               WHERE ratings_used = 0 AND NOT override AND NOT fallback
               GROUP BY 1, 2) c
       ORDER BY router_version, n DESC, chosen_model_id
    )
    SELECT d.id, d.created_at AS "createdAt", d.router_version AS "routerVersion", d.chosen_model_id AS "chosenModelId",
           b.chosen_model_id AS "baselineModelId", d.ratings_used AS "ratingsUsed", d.confidence,
           count(*) OVER ()::int AS total
      FROM routing_decisions d
      JOIN baseline b ON b.router_version = d.router_version
     WHERE d.user_id = ${userId}::uuid AND d.ratings_used > 0 AND NOT d.override AND NOT d.fallback
       AND d.chosen_model_id <> b.chosen_model_id
     ORDER BY d.created_at DESC, d.id DESC
     LIMIT ${limit}`;
  return { total: rows[0]?.total ?? 0, rows: rows.map(({ total: _total, ...r }) => r) };
}
