import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { turnSpend, withAggregateMemory } from "./sql";

export const USER_SORTS = ["email", "created", "turns", "ratings", "satisfaction", "spend"] as const;
export type UserSort = (typeof USER_SORTS)[number];

export type AdminUserRow = {
  id: string;
  email: string;
  name: string | null;
  role: "user" | "admin";
  createdAt: Date;
  turns: number;
  ratings: number;
  satisfaction: number | null;
  spend: number;
  coldStart: boolean | null;
  topModelId: string | null;
};

/**
 * The sort key per column. Aggregate keys come from one grouped scan of the
 * table behind them, joined to every matching user, so the ordering is exact;
 * the other columns are then computed only for the page's rows.
 */
function sortKey(sort: UserSort): { join: Prisma.Sql; key: Prisma.Sql } {
  switch (sort) {
    case "email":
      return { join: Prisma.empty, key: Prisma.sql`u.email` };
    case "created":
      return { join: Prisma.empty, key: Prisma.sql`u.created_at` };
    case "turns":
      return {
        join: Prisma.sql`LEFT JOIN (SELECT t.user_id, count(*) AS v FROM turns t WHERE t.role = 'assistant' GROUP BY t.user_id) k ON k.user_id = u.id`,
        key: Prisma.sql`coalesce(k.v, 0)`,
      };
    case "ratings":
      return {
        join: Prisma.sql`LEFT JOIN (SELECT r.user_id, count(*) AS v FROM ratings r GROUP BY r.user_id) k ON k.user_id = u.id`,
        key: Prisma.sql`coalesce(k.v, 0)`,
      };
    case "satisfaction":
      return {
        join: Prisma.sql`LEFT JOIN (SELECT r.user_id, avg(r.value) AS v FROM ratings r GROUP BY r.user_id) k ON k.user_id = u.id`,
        key: Prisma.sql`k.v`,
      };
    case "spend":
      return {
        join: Prisma.sql`LEFT JOIN (SELECT t.user_id, sum(${turnSpend}) AS v FROM turns t LEFT JOIN llm_models m ON m.id = t.model_id WHERE t.role = 'assistant' GROUP BY t.user_id) k ON k.user_id = u.id`,
        key: Prisma.sql`coalesce(k.v, 0)`,
      };
  }
}

function searchFilter(search: string | undefined): Prisma.Sql {
  if (!search) return Prisma.sql`TRUE`;
  const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return Prisma.sql`(u.email ILIKE ${pattern} OR u.name ILIKE ${pattern})`;
}

/** One page of users with their routing and rating aggregates; `total` counts the users matching the search. */
export async function listAdminUsers({
  search,
  sort,
  direction,
  page,
  pageSize,
}: {
  search?: string;
  sort: UserSort;
  direction: "asc" | "desc";
  page: number;
  pageSize: number;
}) {
  const dir = direction === "asc" ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  const where = searchFilter(search);
  const { join, key } = sortKey(sort);
  const [rows, [{ total }]] = await Promise.all([
    withAggregateMemory(
      (tx) => tx.$queryRaw<AdminUserRow[]>`
      WITH page AS (
        SELECT u.id, u.email, u.name, u.role::text AS role, u.created_at, ${key} AS sort_key
          FROM users u ${join}
         WHERE ${where}
         ORDER BY sort_key ${dir} NULLS LAST, u.id
         LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}
      )
      SELECT p.id, p.email, p.name, p.role, p.created_at AS "createdAt",
             tt.turns, tt.spend, rr.ratings, rr.satisfaction,
             last.cold_start AS "coldStart", top.chosen_model_id AS "topModelId"
        FROM page p
        CROSS JOIN LATERAL (SELECT count(*)::int AS turns, coalesce(sum(${turnSpend}), 0)::float8 AS spend
                              FROM turns t LEFT JOIN llm_models m ON m.id = t.model_id
                             WHERE t.user_id = p.id AND t.role = 'assistant') tt
        CROSS JOIN LATERAL (SELECT count(*)::int AS ratings, avg(r.value)::float8 AS satisfaction FROM ratings r WHERE r.user_id = p.id) rr
        LEFT JOIN LATERAL (SELECT d.cold_start FROM routing_decisions d WHERE d.user_id = p.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1) last ON TRUE
        LEFT JOIN LATERAL (SELECT d.chosen_model_id FROM routing_decisions d WHERE d.user_id = p.id
                            GROUP BY d.chosen_model_id ORDER BY count(*) DESC, d.chosen_model_id LIMIT 1) top ON TRUE
       ORDER BY p.sort_key ${dir} NULLS LAST, p.id`,
    ),
    prisma.$queryRaw<{ total: number }[]>`SELECT count(*)::int AS total FROM users u WHERE ${where}`,
  ]);
  return { rows, total };
}
