import "server-only";
import { prisma } from "@/lib/db/client";
import { type DateWindow, withAggregateMemory } from "./sql";

export type RouterVersionRow = Awaited<ReturnType<typeof listRouterVersions>>[number];

/** Registered router versions, newest first, with how many decisions each made. */
export async function listRouterVersions() {
  const [versions, counts] = await Promise.all([
    prisma.routerVersion.findMany({ orderBy: { createdAt: "desc" } }),
    prisma.routingDecision.groupBy({ by: ["routerVersion"], _count: { _all: true } }),
  ]);
  const decisions = new Map(counts.map((c) => [c.routerVersion, c._count._all]));
  return versions.map((v) => ({ ...v, decisions: decisions.get(v.id) ?? 0 }));
}

const LOG_TAIL_CHARS = 4_000;

/** The newest training runs; only the tail of each log is read. */
export function listTrainingRuns({ limit }: { limit: number }) {
  return prisma.$queryRaw<
    {
      id: string;
      status: string;
      progress: number;
      stage: string;
      logTail: string;
      error: string | null;
      routerVersionId: string | null;
      createdAt: Date;
      finishedAt: Date | null;
    }[]
  >`
    SELECT id, status::text AS status, progress, stage, right(log, ${LOG_TAIL_CHARS}) AS "logTail", error,
           router_version_id AS "routerVersionId", created_at AS "createdAt", finished_at AS "finishedAt"
      FROM training_runs
     ORDER BY created_at DESC
     LIMIT ${limit}`;
}

export type FixedModelRow = {
  modelId: string;
  ratings: number;
  satisfaction: number | null;
  routedRatings: number;
  routedSatisfaction: number | null;
  votes: number;
  routerWins: number;
  routerTies: number;
  routerLosses: number;
};

/**
 * Router against each fixed model, over rated turns created in the window.
 * "Router" = rated turns whose decision was the router's own pick (not an
 * override, not a fallback); "fixed model M" = all rated turns M answered,
 * however it was chosen: what always sending turns to M got. Votes: voted
 * comparisons where one side was the router's own pick and the other side
 * was M, counted from the router's side ("both bad" counts as a tie). A
 * compare side records which it was; older votes fall back to the override
 * flag. A compare challenger is no router pick for satisfaction either. Ratings and decisions are created
 * after their turn, so bounding them by since too changes no result and
 * lets each side be read by range.
 */
export async function getRouterVsFixed({ since, until }: DateWindow) {
  const [satisfaction, votes] = await Promise.all([
    withAggregateMemory(
      (tx) => tx.$queryRaw<{ modelId: string | null; ratings: number; satisfaction: number; routedRatings: number; routedSatisfaction: number | null }[]>`
      WITH rated AS (
        SELECT t.id, t.model_id, r.value
          FROM ratings r JOIN turns t ON t.id = r.turn_id
         WHERE t.role = 'assistant' AND t.created_at >= ${since} AND t.created_at < ${until} AND t.model_id IS NOT NULL
           AND r.created_at >= ${since}
      ), routed AS (
        SELECT d.turn_id FROM routing_decisions d
         WHERE d.created_at >= ${since} AND NOT d.override AND NOT d.fallback AND d.compare_side IS DISTINCT FROM 'challenger'
      )
      SELECT rated.model_id AS "modelId", count(*)::int AS ratings, avg(rated.value)::float8 AS satisfaction,
             count(routed.turn_id)::int AS "routedRatings",
             (avg(rated.value) FILTER (WHERE routed.turn_id IS NOT NULL))::float8 AS "routedSatisfaction"
        FROM rated LEFT JOIN routed ON routed.turn_id = rated.id
       GROUP BY GROUPING SETS ((rated.model_id), ())`,
    ),
    withAggregateMemory(
      (tx) => tx.$queryRaw<{ modelId: string; votes: number; routerWins: number; routerTies: number; routerLosses: number }[]>`
      WITH sides AS (
        -- Scalar subqueries look each answer up by key; joins would make the planner scan all turns and decisions.
        SELECT c.winner::text AS winner,
               (SELECT t.model_id FROM turns t WHERE t.id = c.turn_a_id) AS a_model,
               (SELECT t.model_id FROM turns t WHERE t.id = c.turn_b_id) AS b_model,
               coalesce((SELECT NOT d.override AND NOT d.fallback AND d.compare_side IS DISTINCT FROM 'challenger' FROM routing_decisions d WHERE d.turn_id = c.turn_a_id), false) AS a_routed,
               coalesce((SELECT NOT d.override AND NOT d.fallback AND d.compare_side IS DISTINCT FROM 'challenger' FROM routing_decisions d WHERE d.turn_id = c.turn_b_id), false) AS b_routed
          FROM comparisons c
         WHERE c.winner IS NOT NULL AND c.created_at >= ${since} AND c.created_at < ${until}
      ), router_side AS (
        SELECT CASE WHEN a_routed THEN b_model ELSE a_model END AS fixed_model,
               CASE WHEN winner IN ('tie', 'both_bad') THEN 'tie' WHEN (winner = 'a') = a_routed THEN 'win' ELSE 'loss' END AS outcome
          FROM sides
         WHERE a_routed <> b_routed
      )
      SELECT fixed_model AS "modelId", count(*)::int AS votes,
             count(*) FILTER (WHERE outcome = 'win')::int AS "routerWins",
             count(*) FILTER (WHERE outcome = 'tie')::int AS "routerTies",
             count(*) FILTER (WHERE outcome = 'loss')::int AS "routerLosses"
        FROM router_side
       WHERE fixed_model IS NOT NULL
       GROUP BY fixed_model`,
    ),
  ]);
  const overall = satisfaction.find((r) => r.modelId === null);
  const voteMap = new Map(votes.map((v) => [v.modelId, v]));
  const rated = new Map(satisfaction.flatMap((r) => (r.modelId === null ? [] : [[r.modelId, r] as const])));
  // A model met only in compare votes (no rated turn in the window) still gets its row.
  const unrated = { ratings: 0, satisfaction: null, routedRatings: 0, routedSatisfaction: null };
  const models: FixedModelRow[] = [...new Set([...rated.keys(), ...voteMap.keys()])]
    .sort((a, b) => a.localeCompare(b))
    .map((modelId) => ({ ...(rated.get(modelId) ?? unrated), modelId, votes: 0, routerWins: 0, routerTies: 0, routerLosses: 0, ...voteMap.get(modelId) }));
  return { router: overall ? { ratings: overall.routedRatings, satisfaction: overall.routedSatisfaction } : { ratings: 0, satisfaction: null }, models };
}

export type CostSaved = { priciestModelId: string | null; actualSpend: number; priciestSpend: number; saved: number; turns: number };

/**
 * Actual spend of assistant turns in the window against the same token counts
 * priced at the most expensive enabled model (highest input + output price per
 * 1M tokens; ties: lowest id).
 */
export async function getCostSaved({ since, until }: DateWindow): Promise<CostSaved> {
  const [row] = await withAggregateMemory(
    (tx) => tx.$queryRaw<CostSaved[]>`
    WITH priciest AS (
      SELECT id, input_price_per_m, output_price_per_m FROM llm_models WHERE enabled
       ORDER BY input_price_per_m + output_price_per_m DESC, id LIMIT 1
    ), per_model AS (
      SELECT t.model_id, count(*) AS turns, coalesce(sum(t.prompt_tokens), 0) AS prompt_tokens, coalesce(sum(t.completion_tokens), 0) AS completion_tokens
        FROM turns t
       WHERE t.role = 'assistant' AND t.created_at >= ${since} AND t.created_at < ${until}
       GROUP BY t.model_id
    ), priced AS (
      SELECT pm.turns,
             (pm.prompt_tokens * coalesce(m.input_price_per_m, 0) + pm.completion_tokens * coalesce(m.output_price_per_m, 0)) / 1000000.0 AS actual,
             (pm.prompt_tokens * p.input_price_per_m + pm.completion_tokens * p.output_price_per_m) / 1000000.0 AS priciest
        FROM per_model pm CROSS JOIN priciest p LEFT JOIN llm_models m ON m.id = pm.model_id
    )
    SELECT p.id AS "priciestModelId", coalesce(sum(priced.turns), 0)::int AS turns,
           coalesce(sum(priced.actual), 0)::float8 AS "actualSpend", coalesce(sum(priced.priciest), 0)::float8 AS "priciestSpend",
           (coalesce(sum(priced.priciest), 0) - coalesce(sum(priced.actual), 0))::float8 AS saved
      FROM priciest p LEFT JOIN priced ON TRUE
     GROUP BY p.id`,
  );
  return row ?? { priciestModelId: null, actualSpend: 0, priciestSpend: 0, saved: 0, turns: 0 };
}
