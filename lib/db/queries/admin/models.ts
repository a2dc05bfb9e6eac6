import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { modelFields } from "../models";
import { type DateWindow, withAggregateMemory } from "./sql";

const catalogFields = { ...modelFields, updatedAt: true } as const;

export type CatalogModel = Prisma.LlmModelGetPayload<{ select: typeof catalogFields }>;

export function listCatalog(): Promise<CatalogModel[]> {
  return prisma.llmModel.findMany({ orderBy: { id: "asc" }, select: catalogFields });
}

export type ModelInput = {
  id: string;
  displayName: string;
  baseUrl: string;
  apiKeyEnv?: string | null;
  providerModelId: string;
  description: string;
  examples: string[];
  inputPricePerM: number;
  outputPricePerM: number;
  enabled: boolean;
};

export async function createCatalogModel({ model }: { model: ModelInput }): Promise<CatalogModel> {
  try {
    return await prisma.llmModel.create({ data: { ...model, apiKeyEnv: model.apiKeyEnv ?? null }, select: catalogFields });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")
      throw new AppError("conflict:model", `A model with id "${model.id}" already exists.`);
    throw err;
  }
}

export async function updateCatalogModel({ id, changes }: { id: string; changes: Partial<Omit<ModelInput, "id">> }): Promise<CatalogModel> {
  try {
    return await prisma.llmModel.update({ where: { id }, data: changes, select: catalogFields });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2025") throw new AppError("not_found:model", `Model "${id}" not found.`);
    throw err;
  }
}

export type ModelHealthRow = { modelId: string; turns: number; failed: number; errorRate: number; latencyP50Ms: number | null; ttftP50Ms: number | null };

/**
 * Assistant turns per model in the window: failed turns (status = failed) as
 * recent errors, and p50 of latency_ms / ttft_ms over turns that recorded them.
 */
export function getModelHealth({ since, until }: DateWindow) {
  return withAggregateMemory(
    (tx) => tx.$queryRaw<ModelHealthRow[]>`
    SELECT t.model_id AS "modelId", count(*)::int AS turns,
           count(*) FILTER (WHERE t.status = 'failed')::int AS failed,
           (count(*) FILTER (WHERE t.status = 'failed') / count(*)::float8) AS "errorRate",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.latency_ms)::float8 AS "latencyP50Ms",
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ttft_ms)::float8 AS "ttftP50Ms"
      FROM turns t
     WHERE t.role = 'assistant' AND t.model_id IS NOT NULL AND t.created_at >= ${since} AND t.created_at < ${until}
     GROUP BY t.model_id
     ORDER BY t.model_id`,
  );
}

export type WinRateRow = { modelId: string; comparisons: number; wins: number; ties: number; losses: number; winRate: number };

/**
 * Voted comparisons between two different models, per model: win rate =
 * (wins + ½ ties) / comparisons it took part in. Unvoted comparisons and
 * comparisons of a model against itself are left out.
 */
export function getWinRates() {
  return withAggregateMemory(
    (tx) => tx.$queryRaw<WinRateRow[]>`
    WITH sided AS (
      -- Scalar subqueries look each answer up by primary key; a join would make the planner scan all turns.
      SELECT (SELECT t.model_id FROM turns t WHERE t.id = c.turn_a_id) AS a, (SELECT t.model_id FROM turns t WHERE t.id = c.turn_b_id) AS b, c.winner::text AS winner
        FROM comparisons c
       WHERE c.winner IS NOT NULL
    ), votes AS (
      SELECT a, b, winner FROM sided WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b
    ), sides AS (
      SELECT a AS model_id, CASE winner WHEN 'a' THEN 'win' WHEN 'b' THEN 'loss' ELSE 'tie' END AS outcome FROM votes
      UNION ALL
      SELECT b, CASE winner WHEN 'b' THEN 'win' WHEN 'a' THEN 'loss' ELSE 'tie' END FROM votes
    )
    SELECT model_id AS "modelId", count(*)::int AS comparisons,
           count(*) FILTER (WHERE outcome = 'win')::int AS wins,
           count(*) FILTER (WHERE outcome = 'tie')::int AS ties,
           count(*) FILTER (WHERE outcome = 'loss')::int AS losses,
           ((count(*) FILTER (WHERE outcome = 'win') + 0.5 * count(*) FILTER (WHERE outcome = 'tie')) / count(*))::float8 AS "winRate"
      FROM sides
     GROUP BY model_id
     ORDER BY model_id`,
  );
}
