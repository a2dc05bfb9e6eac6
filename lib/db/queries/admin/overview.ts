import "server-only";
import { prisma } from "@/lib/db/client";
import { type DateWindow, withAggregateMemory } from "./sql";

export type DayModelRow = { day: string; modelId: string; turns: number; spend: number };
export type DayRow = { day: string; turns: number; failed: number; spend: number };
export type ModelSpendRow = { modelId: string; turns: number; spend: number; promptTokens: number; completionTokens: number };

/**
 * Assistant turns in the window, aggregated in one scan with GROUPING SETS:
 * per (day, model) for the mix chart, per day, per model, and in total.
 * Turns whose model was deleted are grouped under "(deleted)".
 */
export async function getTurnActivity({ since, until }: DateWindow) {
  // Tokens are summed per (day, model) first and priced once per group; the coarser sets are sums over those few rows.
  const rows = await withAggregateMemory(
    (tx) => tx.$queryRaw<
      {
        day: string | null;
        model_id: string | null;
        g_day: number;
        g_model: number;
        turns: number;
        failed: number;
        spend: number;
        prompt_tokens: number;
        completion_tokens: number;
      }[]
    >`
    SELECT to_char(w.day, 'YYYY-MM-DD') AS day, w.model_id, GROUPING(w.day)::int AS g_day, GROUPING(w.model_id)::int AS g_model,
           sum(w.turns)::int AS turns, sum(w.failed)::int AS failed,
           coalesce(sum((w.prompt_tokens * coalesce(m.input_price_per_m, 0) + w.completion_tokens * coalesce(m.output_price_per_m, 0)) / 1000000.0), 0)::float8 AS spend,
           sum(w.prompt_tokens)::float8 AS prompt_tokens, sum(w.completion_tokens)::float8 AS completion_tokens
      FROM (SELECT (t.created_at AT TIME ZONE 'UTC')::date AS day, coalesce(t.model_id, '(deleted)') AS model_id,
                   count(*) AS turns, count(*) FILTER (WHERE t.status = 'failed') AS failed,
                   coalesce(sum(t.prompt_tokens), 0) AS prompt_tokens, coalesce(sum(t.completion_tokens), 0) AS completion_tokens
              FROM turns t
             WHERE t.role = 'assistant' AND t.created_at >= ${since} AND t.created_at < ${until}
             GROUP BY 1, 2) w
      LEFT JOIN llm_models m ON m.id = w.model_id
     GROUP BY GROUPING SETS ((w.day, w.model_id), (w.day), (w.model_id), ())`,
  );
  const byDayModel: DayModelRow[] = [];
  const byDay: DayRow[] = [];
  const byModel: ModelSpendRow[] = [];
  let total = { turns: 0, failed: 0, spend: 0 };
  for (const r of rows) {
    if (r.g_day === 0 && r.g_model === 0) byDayModel.push({ day: r.day!, modelId: r.model_id!, turns: r.turns, spend: r.spend });
    else if (r.g_day === 0) byDay.push({ day: r.day!, turns: r.turns, failed: r.failed, spend: r.spend });
    else if (r.g_model === 0)
      byModel.push({ modelId: r.model_id!, turns: r.turns, spend: r.spend, promptTokens: r.prompt_tokens, completionTokens: r.completion_tokens });
    else total = { turns: r.turns, failed: r.failed, spend: r.spend };
  }
  byDayModel.sort((a, b) => a.day.localeCompare(b.day) || a.modelId.localeCompare(b.modelId));
  byDay.sort((a, b) => a.day.localeCompare(b.day));
  byModel.sort((a, b) => a.modelId.localeCompare(b.modelId));
  return { byDayModel, byDay, byModel, total };
}

export type ModelRatingRow = { modelId: string; ratings: number; avgStars: number | null; thumbsUpRate: number | null; satisfaction: number };

/**
 * Ratings of assistant turns created in the window, per answering model:
 * average stars over ratings with stars, thumbs-up rate = thumbs up / ratings
 * with a thumb, satisfaction = average normalised value (0..1). A rating is
 * always created after the turn it rates, so `r.created_at >= since` changes
 * no result; it lets the ratings side be read by range instead of in full.
 */
export function getRatingsByModel({ since, until }: DateWindow) {
  return withAggregateMemory(
    (tx) => tx.$queryRaw<ModelRatingRow[]>`
    SELECT t.model_id AS "modelId",
           count(*)::int AS ratings,
           avg(r.stars)::float8 AS "avgStars",
           (count(*) FILTER (WHERE r.thumbs_up) / nullif(count(r.thumbs_up), 0)::float8) AS "thumbsUpRate",
           avg(r.value)::float8 AS satisfaction
      FROM ratings r
      JOIN turns t ON t.id = r.turn_id
     WHERE t.role = 'assistant' AND t.created_at >= ${since} AND t.created_at < ${until} AND t.model_id IS NOT NULL
       AND r.created_at >= ${since}
     GROUP BY t.model_id
     ORDER BY t.model_id`,
  );
}

export type RoutingLatencyRow = { routerVersion: string | null; executionProvider: string | null; decisions: number; p50Ms: number; p99Ms: number };

/**
 * Routing decisions in the window per (router version, execution provider)
 * and overall (both null), with percentile_cont p50/p99 of total_ms.
 */
export async function getRoutingLatency({ since, until }: DateWindow) {
  const rows = await withAggregateMemory(
    (tx) => tx.$queryRaw<RoutingLatencyRow[]>`
    SELECT router_version AS "routerVersion", execution_provider AS "executionProvider",
           count(*)::int AS decisions,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms)::float8 AS "p50Ms",
           percentile_cont(0.99) WITHIN GROUP (ORDER BY total_ms)::float8 AS "p99Ms"
      FROM routing_decisions
     WHERE created_at >= ${since} AND created_at < ${until}
     GROUP BY GROUPING SETS ((router_version, execution_provider), ())
     ORDER BY decisions DESC`,
  );
  const overall = rows.find((r) => r.routerVersion === null && r.executionProvider === null) ?? null;
  return { overall, byVersion: rows.filter((r) => r !== overall) };
}

/** The router version marked active, and what the newest decision actually ran on. */
export async function getRouterInUse() {
  const [active, latest] = await Promise.all([
    prisma.routerVersion.findFirst({ where: { active: true }, select: { id: true, activatedAt: true, createdAt: true } }),
    prisma.routingDecision.findFirst({ orderBy: { createdAt: "desc" }, select: { routerVersion: true, executionProvider: true, createdAt: true } }),
  ]);
  return { active, latest };
}
