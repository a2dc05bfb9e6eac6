import "server-only";
import { isDeepStrictEqual } from "node:util";
import { enabledModelsAt, type LlmModelRow } from "@/lib/db/queries/models";
import type { RoutedQuery, TranscriptTurn } from "@/lib/db/queries/turns";
import { AppError } from "@/lib/errors";
import { withSpan } from "@/lib/observability/tracing";
import type { DecisionRecord } from "@/lib/router/decision";
import { type RoutingStamps, readRoutingStamps } from "@/lib/router/prisma-history-store";
import { routeQuery } from "@/lib/router/runtime";
import { embeddingToBytes, type RouteDecision } from "@/router-core";

export type TurnRoute = { model: LlmModelRow; decision: DecisionRecord; query: RoutedQuery };

/** What is stored of the router's decision for a turn answered by `chosen`. */
export function toDecisionRecord(
  decision: RouteDecision,
  models: readonly LlmModelRow[],
  chosen: LlmModelRow,
  { picked, compare }: { picked: boolean; compare: boolean },
): DecisionRecord {
  // A fallback decision carries no scores: record the chosen model as the only ranked candidate.
  const candidates = decision.fallback
    ? models.map((m) => ({ modelId: m.id, score: 0, probability: m.id === chosen.id ? 1 : 0, winRate: 0, unseen: false, adjustment: 0, population: 0 }))
    : decision.candidates.map((c) => ({
        modelId: c.id,
        score: c.score,
        probability: c.probability,
        winRate: c.winRate,
        unseen: c.unseen,
        adjustment: c.adjustment,
        population: c.population,
      }));
  return {
    chosenModelId: chosen.id,
    routerVersion: decision.routerVersion ?? "fallback",
    executionProvider: decision.executionProvider ?? "none",
    candidates,
    confidence: decision.confidence,
    ratingsUsed: decision.coldStart.ratingsUsed,
    coldStart: decision.coldStart.usedColdStartVector,
    // A compare side is named by compare mode, not by the user: it is no override, and the vote is its only signal.
    override: picked && !compare,
    fallback: decision.fallback,
    // What decided the router's own pick (timings.routerPick); with an override the user's pick answered.
    basis: decision.basis,
    ...(compare ? { compareSide: chosen.id === decision.modelId ? ("router" as const) : ("challenger" as const) } : {}),
    timings: {
      ...decision.timings,
      userCache: decision.userCache,
      routerPick: decision.modelId,
      ...(decision.fallbackReason ? { fallbackReason: decision.fallbackReason } : {}),
    },
    totalMs: decision.timings.totalMs,
  };
}

/** How many of the session's earlier user messages the router sees (full_context / retrieval query modes). */
const ROUTER_CONTEXT_MESSAGES = 50;

/** The conversation's earlier user messages, oldest first, as the router reads them. */
export function earlierUserMessages(context: readonly Pick<TranscriptTurn, "role" | "content">[]): string[] {
  return context
    .filter((t) => t.role === "user")
    .slice(-ROUTER_CONTEXT_MESSAGES)
    .map((t) => t.content);
}

/**
 * A turn's first read: the versions of the user's graph and of the catalog (one statement), and the enabled models
 * as of that catalog (this process's last read unless the catalog moved). The stamps also go to routing.
 */
export function readTurnCatalog(userId: string): { stamps: Promise<RoutingStamps>; models: Promise<readonly LlmModelRow[]> } {
  const stamps = readRoutingStamps(userId);
  stamps.catch(() => {}); // awaited through the models and the routing
  return { stamps, models: stamps.then((s) => enabledModelsAt(s.catalog)) };
}

/**
 * What can be refused before anything is stored: no enabled model, or a
 * per-turn pick that names a model which is not enabled (`missing` says how
 * the caller's wire reports it). Returns the pick.
 */
export function checkModelChoice(
  models: readonly LlmModelRow[],
  overrideModelId?: string,
  missing: (modelId: string) => AppError = (id) => new AppError("bad_request:model", `Model "${id}" is not available.`),
): LlmModelRow | undefined {
  if (models.length === 0) throw new AppError("unavailable:model", "No language model is enabled. Ask an administrator to enable one.");
  const picked = overrideModelId ? models.find((m) => m.id === overrideModelId) : undefined;
  if (overrideModelId && !picked) throw missing(overrideModelId);
  return picked;
}

/**
 * Picks the model for one user turn: the one place chat asks "which model?".
 * Every turn goes through the router, also when the user picked a model for
 * this turn: the decision then records what the router would have chosen, and
 * the override itself becomes a preference signal in the user's graph.
 */
export async function routeTurn({
  userId,
  queryText,
  earlierUserMessages,
  models,
  picked,
  compare = false,
  stamps,
}: {
  userId: string;
  queryText: string;
  earlierUserMessages: readonly string[];
  models: readonly LlmModelRow[];
  picked?: LlmModelRow;
  /** The picked model answers one side of a comparison. */
  compare?: boolean;
  /** The turn's read of the user's graph and catalog versions (readRoutingStamps). */
  stamps: Promise<RoutingStamps>;
}): Promise<TurnRoute> {
  return withSpan("router.route_turn", { "switchboard.override": Boolean(picked) }, async (span) => {
    const decision = await routeQuery({
      userId,
      message: queryText,
      earlierUserMessages,
      candidates: models.map((m) => ({ id: m.id, description: m.description, examples: m.examples })),
      stamps,
    });
    const chosen = picked ?? models.find((m) => m.id === decision.modelId) ?? models[0];
    span.setAttributes({ "switchboard.model": chosen.id, "switchboard.router_version": decision.routerVersion ?? "fallback" });
    return {
      model: chosen,
      decision: toDecisionRecord(decision, models, chosen, { picked: Boolean(picked), compare }),
      query: {
        text: decision.queryText,
        embedding: decision.queryEmbedding ? embeddingToBytes(decision.queryEmbedding) : null,
        embeddingKey: decision.embeddingKey,
      },
    };
  });
}

/** A turn's model choice, made on the catalog the turn read (checkModelChoice). */
export type ModelChoice = { models: readonly LlmModelRow[]; picked?: LlmModelRow };

/**
 * Routes a turn without waiting for its read of the catalog: with the models this process read last
 * (`known`), while the turn's own read (`choice`) is under way, so routing starts a round trip earlier. When
 * that read finds the catalog changed (an admin, on any instance), the turn is routed again on what it found:
 * every decision stands on the turn's own read.
 */
export async function routeAheadOfCatalog({
  known,
  choice,
  modelId,
  route,
}: {
  known: readonly LlmModelRow[] | null;
  choice: Promise<ModelChoice>;
  /** The model the caller named for this turn, if any. */
  modelId?: string;
  route: (choice: ModelChoice) => Promise<TurnRoute>;
}): Promise<TurnRoute> {
  const knownPick = modelId ? known?.find((m) => m.id === modelId) : undefined;
  const guess = known && known.length > 0 && (!modelId || knownPick) ? route({ models: known, picked: knownPick }) : null;
  guess?.catch(() => {}); // superseded when the catalog changed
  const read = await choice;
  return guess && isDeepStrictEqual(read.models, known) ? guess : route(read);
}

/**
 * The models to try, in order: the chosen one, then (unless the user picked
 * it or it answers a compare side) the other candidates by router
 * probability, for falling back before the first token.
 */
export function fallbackOrder(route: TurnRoute, models: readonly LlmModelRow[]): [LlmModelRow, ...LlmModelRow[]] {
  if (route.decision.override || route.decision.compareSide) return [route.model];
  const byId = new Map(models.map((m) => [m.id, m]));
  const rest = [...route.decision.candidates]
    .sort((a, b) => b.probability - a.probability)
    .flatMap((c) => (c.modelId !== route.model.id && byId.has(c.modelId) ? [byId.get(c.modelId)!] : []));
  return [route.model, ...rest];
}
