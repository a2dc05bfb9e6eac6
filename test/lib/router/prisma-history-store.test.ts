import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAnswer, seedModels, seedUser } from "../../support/seed";

/**
 * The user's graph and its fingerprint come from one SQL definition: every kind of change to the graph (a
 * new or changed signal from each source, a signal that stops counting, a model's catalog description)
 * must move the fingerprint, or another instance keeps serving a stale user vector.
 */
type Lib = {
  historyStamp: typeof import("@/lib/router/prisma-history-store").historyStamp;
  store: import("@/lib/router/prisma-history-store").PrismaHistoryStore;
  prisma: typeof import("@/lib/db/client").prisma;
};
let lib: Lib;

beforeAll(async () => {
  const [{ historyStamp, PrismaHistoryStore }, { prisma }] = await Promise.all([import("@/lib/router/prisma-history-store"), import("@/lib/db/client")]);
  lib = { historyStamp, store: new PrismaHistoryStore(512), prisma };
  await seedModels([
    { id: "graph-a", description: "model a" },
    { id: "graph-b", description: "model b" },
  ]);
});
afterAll(() => lib?.prisma.$disconnect());

async function snapshot(userId: string) {
  const history = await lib.store.getRatedHistory({ userId, limit: 100, embeddingKey: "none" });
  return {
    stamp: await lib.historyStamp(userId),
    graph: JSON.stringify(history.map((h) => [h.interactionId, h.modelId, h.modelDescription, h.rating])),
  };
}

/** An answer by `modelId` with a routing decision; `override`: the user picked the model. */
async function decidedAnswer(userId: string, modelId: string, override: boolean): Promise<{ answerId: string; questionId: string }> {
  const answerId = await seedAnswer({ userId, question: `question for ${modelId}`, modelId });
  const answer = await lib.prisma.turn.findUniqueOrThrow({ where: { id: answerId }, select: { parentId: true, chatSessionId: true } });
  await lib.prisma.routingDecision.create({
    data: {
      turnId: answerId,
      userId,
      chosenModelId: modelId,
      routerVersion: "v",
      executionProvider: "cpu",
      candidates: [],
      confidence: 1,
      ratingsUsed: 0,
      coldStart: true,
      override,
      timings: {},
      totalMs: 1,
    },
  });
  return { answerId, questionId: answer.parentId! };
}

describe("the user's graph and its fingerprint", () => {
  it("moves with every change to the graph, whatever its source", async () => {
    const userId = await seedUser("graph");
    let previous = await snapshot(userId);
    const expectMoved = async (change: string) => {
      const next = await snapshot(userId);
      expect(next.graph, `${change}: the graph`).not.toBe(previous.graph);
      expect(next.stamp, `${change}: the fingerprint`).not.toBe(previous.stamp);
      previous = next;
    };

    const rated = await seedAnswer({ userId, question: "rated question", modelId: "graph-a" });
    await lib.prisma.rating.create({ data: { turnId: rated, userId, stars: 5, value: 1 } });
    await expectMoved("a new rating");
    await lib.prisma.rating.update({ where: { turnId_userId: { turnId: rated, userId } }, data: { stars: 1, value: 0 } });
    await expectMoved("a changed rating");

    const left = await seedAnswer({ userId, question: "compared question", modelId: "graph-a" });
    const question = (await lib.prisma.turn.findUniqueOrThrow({ where: { id: left } })).parentId!;
    const session = (await lib.prisma.turn.findUniqueOrThrow({ where: { id: left } })).chatSessionId;
    const right = await lib.prisma.turn.create({
      data: { chatSessionId: session, userId, position: 2, role: "assistant", content: "b", parentId: question, modelId: "graph-b", status: "completed" },
    });
    await lib.prisma.comparison.create({ data: { userId, userTurnId: question, turnAId: left, turnBId: right.id, winner: "a", votedAt: new Date() } });
    await expectMoved("a compare vote");

    const picked = await decidedAnswer(userId, "graph-b", true);
    await expectMoved("a model the user picked");
    const session2 = (await lib.prisma.turn.findUniqueOrThrow({ where: { id: picked.answerId } })).chatSessionId;
    await lib.prisma.turn.create({
      data: {
        chatSessionId: session2,
        userId,
        position: 2,
        role: "assistant",
        content: "again",
        parentId: picked.questionId,
        modelId: "graph-a",
        status: "completed",
      },
    });
    await expectMoved("a regenerated answer, after which the pick no longer counts");

    await decidedAnswer(userId, "graph-a", true);
    await expectMoved("another pick");
    await lib.prisma.user.update({ where: { id: userId }, data: { preferencesResetAt: new Date() } });
    await expectMoved("forget my preferences");

    await lib.prisma.llmModel.update({ where: { id: "graph-a" }, data: { description: "model a, described anew" } });
    await expectMoved("a catalog description");
  });

  it("stays put when nothing in the graph changed", async () => {
    const userId = await seedUser("graph-still");
    const rated = await seedAnswer({ userId, question: "q", modelId: "graph-b" });
    await lib.prisma.rating.create({ data: { turnId: rated, userId, thumbsUp: true, value: 1 } });
    const before = await snapshot(userId);
    await decidedAnswer(userId, "graph-b", false); // a routed turn the user did not rate
    expect(await snapshot(userId)).toEqual(before);
  });
});

describe("the rated answers in the user's graph", () => {
  it("come as their lengths in code points, and as texts only when the model reads them", async () => {
    const userId = await seedUser("graph-answer");
    const answer = "Voilà: e\u0301t\u00e9 \u{1F44B}\u{1F3FD}\n".repeat(3); // a combining accent and an emoji with a skin tone
    const rated = await seedAnswer({ userId, question: "how long?", modelId: "graph-a" });
    await lib.prisma.turn.update({ where: { id: rated }, data: { content: answer } });
    await lib.prisma.rating.create({ data: { turnId: rated, userId, stars: 4, value: 0.75 } });

    const [lengthOnly] = await lib.store.getRatedHistory({ userId, limit: 10, embeddingKey: "none" });
    expect(lengthOnly.responseChars).toBe([...answer].length);
    expect(lengthOnly.responseChars).not.toBe(answer.length); // UTF-16 units would count the emoji twice
    expect(lengthOnly.responseText).toBeNull();

    const [withText] = await lib.store.getRatedHistory({ userId, limit: 10, embeddingKey: "none", withResponseText: true });
    expect(withText.responseText).toBe(answer);
    expect(withText.responseChars).toBe(lengthOnly.responseChars);
  });
});
