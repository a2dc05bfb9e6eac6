import "server-only";
import { routeQuery } from "@/lib/ai/router";
import { listEnabledModels, type LlmModelRow } from "@/lib/db/queries/models";
import { listUserMessages } from "@/lib/db/queries/turns";
import type { DecisionRecord, RoutedQuery } from "@/lib/db/queries/turns";
import { AppError } from "@/lib/errors";
import { embeddingToBytes, type RouteDecision } from "@/router-core";

export type TurnRoute = { model: LlmModelRow; decision: DecisionRecord; query: RoutedQuery };

function toDecisionRecord(decision: RouteDecision, models: readonly LlmModelRow[], chosen: LlmModelRow, override: boolean): DecisionRecord {
  // A fallback decision carries no scores: record the chosen model as the only ranked candidate.
  const candidates = decision.fallback
    ? models.map((m) => ({ modelId: m.id, score: 0, probability: m.id === chosen.id ? 1 : 0, winRate: 0, unseen: false, adjustment: 0 }))
    : decision.candidates.map((c) => ({ modelId: c.id, score: c.score, probability: c.probability, winRate: c.winRate, unseen: c.unseen, adjustment: c.adjustment }));
  return {
    chosenModelId: chosen.id,
    routerVersion: decision.routerVersion ?? "fallback",
    executionProvider: decision.executionProvider ?? "none",
    candidates,
    confidence: decision.confidence,
    ratingsUsed: decision.coldStart.ratingsUsed,
    coldStart: decision.coldStart.usedColdStartVector,
    override,
    fallback: decision.fallback,
    timings: { ...decision.timings, userCache: decision.userCache, routerPick: decision.modelId, ...(decision.fallbackReason ? { fallbackReason: decision.fallbackReason } : {}) },
    totalMs: decision.timings.totalMs,
  };
}

/**
 * Picks the model for one user turn: the one place chat asks "which model?".
 * Every turn goes through the router, also when the user picked a model for
 * this turn: the decision then records what the router would have chosen, and
 * the override itself becomes a preference signal in the user's graph.
 */
export async function routeTurn({ userId, chatSessionId, queryText, overrideModelId }: { userId: string; chatSessionId: string; queryText: string; overrideModelId?: string }): Promise<TurnRoute> {
  const [models, earlier] = await Promise.all([listEnabledModels(), listUserMessages({ chatSessionId })]);
  if (models.length === 0) throw new AppError("unavailable:model", "No language model is enabled. Ask an administrator to enable one.");
  const picked = overrideModelId ? models.find((m) => m.id === overrideModelId) : undefined;
  if (overrideModelId && !picked) throw new AppError("bad_request:model", `Model "${overrideModelId}" is not available.`);

  // On regenerate the current message is already stored as the session's last user turn.
  if (earlier[earlier.length - 1] === queryText) earlier.pop();
  const decision = await routeQuery({ userId, message: queryText, earlierUserMessages: earlier, candidates: models.map((m) => ({ id: m.id, description: m.description })) });
  const chosen = picked ?? models.find((m) => m.id === decision.modelId) ?? models[0];
  return {
    model: chosen,
    decision: toDecisionRecord(decision, models, chosen, Boolean(picked)),
    query: { text: decision.queryText, embedding: decision.queryEmbedding ? embeddingToBytes(decision.queryEmbedding) : null, embeddingKey: decision.embeddingKey },
  };
}
