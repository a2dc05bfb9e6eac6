import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { appendUserTurn, getOwnTranscript, visibleThread } from "@/lib/db/queries/turns";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { checkAutoRetrain } from "@/lib/router/auto-retrain";
import { invalidateUserVector } from "@/lib/router/runtime";
import { checkModelChoice, earlierUserMessages, readTurnCatalog, routeTurn } from "@/lib/turn/route-turn";

type Scored = { modelId: string; score: number };

/**
 * The second model for a comparison: the one whose duel with the router's pick
 * teaches the most. Under Bradley–Terry the outcome is most uncertain when
 * P(pick beats c) is closest to 1/2, i.e. p(1-p) is largest; models this user
 * has rated less are preferred, by 1/sqrt(1 + ratings of c).
 */
export function pickChallenger(top: Scored, others: readonly Scored[], ratingsByModel: ReadonlyMap<string, number>): Scored {
  const value = (c: Scored) => {
    const p = 1 / (1 + Math.exp(-(top.score - c.score)));
    return (p * (1 - p)) / Math.sqrt(1 + (ratingsByModel.get(c.modelId) ?? 0));
  };
  return others.reduce((best, c) => (value(c) > value(best) ? c : best));
}

/** Where AUTH_SECRET is unset (development), a key of this process's own: seals then hold on this instance only. */
const processKey = randomBytes(32);

/**
 * The pair of models a comparison was given, sealed with the app's secret: the client sends the seal back with each
 * side, so that the answers can only come from those two models. Users could otherwise pick their own pairings, and
 * their votes feed everyone's population prior and retraining.
 */
function sealPair(userTurnId: string, modelIds: readonly [string, string]): string {
  return createHmac("sha256", env.AUTH_SECRET ?? processKey)
    .update(`compare\n${userTurnId}\n${modelIds.join("\n")}`)
    .digest("base64url");
}

/**
 * Checks that one side of a comparison may be answered by `modelId`: one of the two models the comparison was given,
 * not answered yet, and at most two answers in all.
 */
export async function checkComparisonSide({
  userId,
  userTurnId,
  modelId,
  modelIds,
  seal,
}: {
  userId: string;
  userTurnId: string;
  modelId: string;
  modelIds: readonly [string, string];
  seal: string;
}): Promise<void> {
  const expected = Buffer.from(sealPair(userTurnId, modelIds));
  const given = Buffer.from(seal);
  if (given.length !== expected.length || !timingSafeEqual(given, expected) || !modelIds.includes(modelId))
    throw new AppError("bad_request:chat", "That model is not one of this comparison's two.");
  const answers = await prisma.turn.findMany({ where: { parentId: userTurnId, userId, role: "assistant" }, select: { modelId: true } });
  if (answers.length >= 2 || answers.some((a) => a.modelId === modelId))
    throw new AppError("conflict:chat", "This side of the comparison was already answered.");
}

/**
 * Stores the user's message and names the two models that will answer it side
 * by side, in random order: which side holds the router's pick must not be
 * guessable, and the UI hides the names until the vote.
 */
export async function startComparison({ userId, chatSessionId, text }: { userId: string; chatSessionId: string; text: string }) {
  const { stamps, models: modelsRead } = readTurnCatalog(userId);
  const [turns, models] = await Promise.all([getOwnTranscript({ chatSessionId, userId }), modelsRead]);
  checkModelChoice(models);
  const route = await routeTurn({ userId, queryText: text, earlierUserMessages: earlierUserMessages(visibleThread(turns)), models, stamps });
  const scored = route.decision.candidates.filter((c) => c.modelId !== route.model.id);
  if (scored.length === 0) throw new AppError("bad_request:chat", "Compare mode needs at least two enabled models.");
  const counts = await prisma.$queryRaw<{ model_id: string; n: number }[]>`
    SELECT a.model_id, count(*)::int AS n FROM ratings r JOIN turns a ON a.id = r.turn_id WHERE r.user_id = ${userId}::uuid GROUP BY a.model_id`;
  const top = route.decision.candidates.find((c) => c.modelId === route.model.id) ?? { modelId: route.model.id, score: 0 };
  const challenger = pickChallenger(top, scored, new Map(counts.map((c) => [c.model_id, c.n])));
  // One message and two answers: the statement checks there is room for all three.
  const userTurn = await appendUserTurn({ chatSessionId, userId, content: text, adding: 3 });
  const modelIds: [string, string] = Math.random() < 0.5 ? [route.model.id, challenger.modelId] : [challenger.modelId, route.model.id];
  return { userTurnId: userTurn.id, modelIds, seal: sealPair(userTurn.id, modelIds) };
}

export type Vote = { userTurnId: string; turnAId: string; turnBId: string; winner: "a" | "b" | "tie" | "both_bad" };

/** Records the vote once; both answers must be this user's completed answers to that message. */
export async function voteComparison({ userId, vote }: { userId: string; vote: Vote }) {
  if (vote.turnAId === vote.turnBId) throw new AppError("bad_request:chat", "A comparison needs two different answers.");
  const answers = await prisma.turn.findMany({
    where: { id: { in: [vote.turnAId, vote.turnBId] }, parentId: vote.userTurnId, userId, role: "assistant" },
    select: { id: true, status: true },
  });
  if (answers.length !== 2) throw new AppError("not_found:chat", "Both answers must belong to that message.");
  const unfinished = answers.find((a) => a.status !== "completed");
  if (unfinished) throw new AppError("bad_request:chat", `Only completed answers can be compared; one is ${unfinished.status}.`);
  try {
    const comparison = await prisma.comparison.create({
      data: { userId, userTurnId: vote.userTurnId, turnAId: vote.turnAId, turnBId: vote.turnBId, winner: vote.winner, votedAt: new Date() },
      select: { id: true, winner: true },
    });
    invalidateUserVector(userId);
    void checkAutoRetrain();
    return comparison;
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")
      throw new AppError("conflict:chat", "You already voted on this comparison.");
    throw err;
  }
}
