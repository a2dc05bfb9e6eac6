import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAnswer, seedModels, seedUser } from "../../support/seed";

/**
 * The user's graph comes from one SQL definition (user_signals), and its fingerprint from a version that triggers on
 * that definition's sources move: every kind of change to the graph (a new, changed or removed signal from each
 * source, a signal that stops counting, a model's catalog description) must move the fingerprint, or another
 * instance keeps serving a stale user vector; a table the definition reads without such a trigger fails here.
 */
type Lib = {
  readRoutingStamps: typeof import("@/lib/router/prisma-history-store").readRoutingStamps;
  ratedHistoryStatement: typeof import("@/lib/router/prisma-history-store").ratedHistoryStatement;
  store: import("@/lib/router/prisma-history-store").PrismaHistoryStore;
  prisma: typeof import("@/lib/db/client").prisma;
};
let lib: Lib;

beforeAll(async () => {
  const [{ readRoutingStamps, ratedHistoryStatement, PrismaHistoryStore }, { prisma }] = await Promise.all([
    import("@/lib/router/prisma-history-store"),
    import("@/lib/db/client"),
  ]);
  lib = { readRoutingStamps, ratedHistoryStatement, store: new PrismaHistoryStore(512), prisma };
  await seedModels([
    { id: "graph-a", description: "model a" },
    { id: "graph-b", description: "model b" },
  ]);
});
afterAll(() => lib?.prisma.$disconnect());

async function snapshot(userId: string) {
  const history = await lib.store.getRatedHistory({ userId, limit: 100, embeddingKey: "none" });
  return {
    stamp: (await lib.readRoutingStamps(userId)).graph,
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
    await lib.prisma.rating.delete({ where: { turnId_userId: { turnId: rated, userId } } });
    await expectMoved("a removed rating");

    const left = await seedAnswer({ userId, question: "compared question", modelId: "graph-a" });
    const question = (await lib.prisma.turn.findUniqueOrThrow({ where: { id: left } })).parentId!;
    const session = (await lib.prisma.turn.findUniqueOrThrow({ where: { id: left } })).chatSessionId;
    const right = await lib.prisma.turn.create({
      data: { chatSessionId: session, userId, position: 2, role: "assistant", content: "b", parentId: question, modelId: "graph-b", status: "completed" },
    });
    const vote = await lib.prisma.comparison.create({
      data: { userId, userTurnId: question, turnAId: left, turnBId: right.id, winner: "a", votedAt: new Date() },
    });
    await expectMoved("a compare vote");
    await lib.prisma.comparison.update({ where: { id: vote.id }, data: { winner: "b" } });
    await expectMoved("a changed vote");

    const picked = await decidedAnswer(userId, "graph-b", true);
    await expectMoved("a model the user picked");
    const session2 = (await lib.prisma.turn.findUniqueOrThrow({ where: { id: picked.answerId } })).chatSessionId;
    const regenerated = await lib.prisma.turn.create({
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
    await lib.prisma.turn.delete({ where: { id: regenerated.id } });
    await expectMoved("the regenerated answer removed, so the pick counts again");

    await decidedAnswer(userId, "graph-a", true);
    await expectMoved("another pick");
    await lib.prisma.user.update({ where: { id: userId }, data: { preferencesResetAt: new Date() } });
    await expectMoved("forget my preferences");

    await lib.prisma.llmModel.update({ where: { id: "graph-a" }, data: { description: "model a, described anew" } });
    await expectMoved("a catalog description");
  });

  it("has a trigger that moves its version on every table the graph's definition reads", async () => {
    const sources = await lib.prisma.$queryRaw<{ proname: string; prosrc: string }[]>`
      SELECT proname, prosrc FROM pg_proc WHERE proname IN ('user_signals', 'user_signals_since', 'answer_signals')`;
    expect(new Set(sources.map((s) => s.proname)).size).toBe(3);
    const named = new Set(sources.flatMap(({ prosrc }) => [...prosrc.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)/gi)].map((m) => m[1])));
    const tables = await lib.prisma.$queryRaw<{ relname: string }[]>`
      SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname = ANY(${[...named]})`;
    const triggered = await lib.prisma.$queryRaw<{ relname: string }[]>`
      SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
       WHERE NOT t.tgisinternal AND p.proname LIKE 'user_graph_%'`;
    expect(tables.map((t) => t.relname).sort()).toEqual(["comparisons", "ratings", "routing_decisions", "turns", "users"]);
    expect(triggered.map((t) => t.relname)).toEqual(expect.arrayContaining(tables.map((t) => t.relname)));
  });

  it("moves once per change to an answer, and its new owner's too when the answer changes hands", async () => {
    const version = async (userId: string) =>
      (await lib.prisma.$queryRaw<{ v: bigint }[]>`SELECT version AS v FROM user_graph_versions WHERE user_id = ${userId}::uuid`)[0]?.v ?? 0n;
    const owner = await seedUser("graph-owner");
    const heir = await seedUser("graph-heir");
    const picked = await decidedAnswer(owner, "graph-a", true);
    const [ownerBefore, heirBefore] = [await version(owner), await version(heir)];
    await lib.prisma.turn.update({ where: { id: picked.answerId }, data: { modelId: "graph-b" } });
    expect([await version(owner), await version(heir)]).toEqual([ownerBefore + 1n, heirBefore]);
    await lib.prisma.turn.update({ where: { id: picked.answerId }, data: { userId: heir } });
    expect([await version(owner), await version(heir)]).toEqual([ownerBefore + 2n, heirBefore + 1n]);
  });

  it("goes with its user", async () => {
    const userId = await seedUser("graph-gone");
    const rated = await seedAnswer({ userId, question: "q", modelId: "graph-a" });
    await lib.prisma.rating.create({ data: { turnId: rated, userId, stars: 5, value: 1 } });
    const versions = () => lib.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM user_graph_versions WHERE user_id = ${userId}::uuid`;
    expect(await versions()).toEqual([{ n: 1 }]);
    await lib.prisma.user.delete({ where: { id: userId } });
    expect(await versions()).toEqual([{ n: 0 }]);
  });

  it("stays put when nothing in the graph changed", async () => {
    const userId = await seedUser("graph-still");
    const rated = await seedAnswer({ userId, question: "q", modelId: "graph-b" });
    await lib.prisma.rating.create({ data: { turnId: rated, userId, thumbsUp: true, value: 1 } });
    const before = await snapshot(userId);
    // a routed turn the user did not rate: its answer streamed, then completed; its question embedded
    const routed = await decidedAnswer(userId, "graph-b", false);
    await lib.prisma.turn.update({ where: { id: routed.answerId }, data: { status: "streaming" } });
    await lib.prisma.turn.update({ where: { id: routed.answerId }, data: { status: "completed", content: "done" } });
    await lib.prisma.turn.update({ where: { id: routed.questionId }, data: { queryEmbedding: new Uint8Array(8), embedderId: "e" } });
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

  it("are the user's newest signals however many the user gave, also when their newest ratings count for nothing", async () => {
    const userId = await seedUser("graph-newest");
    const at = (minute: number) => new Date(Date.UTC(2001, 0, 1, 0, minute));
    const answers: string[] = [];
    for (let minute = 0; minute < 5; minute++) {
      const answer = await seedAnswer({ userId, question: `question ${minute}`, modelId: "graph-a" });
      await lib.prisma.rating.create({ data: { turnId: answer, userId, stars: 4, value: 0.75 } });
      await lib.prisma.$executeRaw`UPDATE ratings SET updated_at = ${at(minute)} WHERE turn_id = ${answer}::uuid`;
      answers.push(answer);
    }
    // The two newest ratings are of answers whose model was removed: no signals.
    await lib.prisma.turn.updateMany({ where: { id: { in: answers.slice(3) } }, data: { modelId: null } });
    // The newest signal: an unrated pick.
    const { answerId: picked } = await decidedAnswer(userId, "graph-b", true);
    await lib.prisma.routingDecision.update({ where: { turnId: picked }, data: { createdAt: at(5) } });

    const newest = async (limit: number) => (await lib.store.getRatedHistory({ userId, limit, embeddingKey: "none" })).map((h) => h.interactionId).sort();
    const signals = [`${picked}:override`, answers[2], answers[1], answers[0]];
    expect(await newest(2)).toEqual(signals.slice(0, 2).sort());
    expect(await newest(3)).toEqual(signals.slice(0, 3).sort());
    expect(await newest(10)).toEqual([...signals].sort());
    expect(await newest(0)).toEqual([]);
    // The previous release's form, which its instances call during a rolling restart: every signal.
    const previous = await lib.prisma.$queryRaw<{ id: string }[]>`SELECT interaction_id AS id FROM user_signals(${userId}::uuid, 0.5::float8)`;
    expect(previous.map((r) => r.id).sort()).toEqual([...signals].sort());
  });

  it("carry their questions' stored embeddings, which a store reads from PostgreSQL once per user", async () => {
    const { PrismaHistoryStore } = await import("@/lib/router/prisma-history-store");
    const { embeddingToBytes } = await import("@/router-core");
    const userId = await seedUser("graph-embeddings");
    const key = "encoder:test";
    const vector = (x: number) => Float32Array.from({ length: 512 }, (_, i) => x + i / 1000);
    const embedAnswer = async (question: string, x: number) => {
      const answer = await seedAnswer({ userId, question, modelId: "graph-a" });
      await lib.prisma.rating.create({ data: { turnId: answer, userId, stars: 4, value: 0.75 } });
      const { parentId } = await lib.prisma.turn.findUniqueOrThrow({ where: { id: answer } });
      await lib.prisma.turn.update({ where: { id: parentId! }, data: { queryEmbedding: embeddingToBytes(vector(x)), embedderId: key } });
      return parentId!;
    };
    const first = await embedAnswer("first question", 1);
    await embedAnswer("second question", 2);
    const store = new PrismaHistoryStore(512);
    const read = async (s: InstanceType<typeof PrismaHistoryStore>, embeddingKey = key) =>
      new Map((await s.getRatedHistory({ userId, limit: 10, embeddingKey })).map((h) => [h.queryText, h.queryEmbedding?.[0] ?? null]));
    expect(await read(store)).toEqual(
      new Map([
        ["first question", 1],
        ["second question", 2],
      ]),
    );

    // Stored anew behind the store's back: the store serves what it read, a new question is read, another key reads nothing kept.
    await lib.prisma.turn.update({ where: { id: first }, data: { queryEmbedding: embeddingToBytes(vector(7)) } });
    await embedAnswer("third question", 3);
    expect(await read(store)).toEqual(
      new Map([
        ["first question", 1],
        ["second question", 2],
        ["third question", 3],
      ]),
    );
    expect(await read(new PrismaHistoryStore(512))).toEqual(
      new Map([
        ["first question", 7],
        ["second question", 2],
        ["third question", 3],
      ]),
    );
    expect(await read(store, "encoder:other")).toEqual(
      new Map([
        ["first question", null],
        ["second question", null],
        ["third question", null],
      ]),
    );
  });

  it("carry each question's place among its conversation's user messages, whichever of them were rated", async () => {
    const userId = await seedUser("graph-order");
    const session = await lib.prisma.chatSession.create({ data: { userId, title: "order" } });
    let position = 0;
    const turn = (role: "user" | "assistant", parentId?: string, modelId?: string) =>
      lib.prisma.turn.create({
        data: { chatSessionId: session.id, userId, position: position++, role, content: `${role} ${position}`, parentId, modelId, status: "completed" },
      });
    const rate = (turnId: string) => lib.prisma.rating.create({ data: { turnId, userId, stars: 5, value: 1 } });
    // Question 0 rated; question 1 unrated; question 2 answered twice (regenerated), both rated; question 3 rated.
    const q0 = await turn("user");
    await rate((await turn("assistant", q0.id, "graph-a")).id);
    const q1 = await turn("user");
    await turn("assistant", q1.id, "graph-a");
    const q2 = await turn("user");
    await rate((await turn("assistant", q2.id, "graph-a")).id);
    await rate((await turn("assistant", q2.id, "graph-b")).id);
    const q3 = await turn("user");
    await rate((await turn("assistant", q3.id, "graph-b")).id);
    // Another conversation's question starts at 0 again.
    await lib.prisma.rating.create({
      data: { turnId: await seedAnswer({ userId, question: "elsewhere", modelId: "graph-a" }), userId, stars: 2, value: 0.25 },
    });

    const history = await lib.store.getRatedHistory({ userId, limit: 10, embeddingKey: "none" });
    const places = history.map((h) => `${h.chatSessionId === session.id ? "order" : "elsewhere"}:${h.turnIndex}:${h.modelId}`).sort();
    expect(places).toEqual(["elsewhere:0:graph-a", "order:0:graph-a", "order:2:graph-a", "order:2:graph-b", "order:3:graph-b"]);
  });

  it("reach the turns table only through its indexes, however many turns other users have", async () => {
    const userId = await seedUser("graph-plan");
    for (let i = 0; i < 30; i++) {
      const answer = await seedAnswer({ userId, question: `planned question ${i}`, modelId: i % 2 ? "graph-a" : "graph-b" });
      await lib.prisma.rating.create({ data: { turnId: answer, userId, stars: 3, value: 0.5 } });
    }
    // 20,000 turns of another user's conversations, then fresh statistics: the planner sees a large table.
    const other = await seedUser("graph-plan-other");
    await lib.prisma.$executeRaw`
      WITH s AS (INSERT INTO chat_sessions (id, user_id, title) SELECT gen_random_uuid(), ${other}::uuid, 'other' FROM generate_series(1, 1000) RETURNING id)
      INSERT INTO turns (id, chat_session_id, user_id, position, role, content)
      SELECT gen_random_uuid(), s.id, ${other}::uuid, k, 'user', 'another user''s question' FROM s, generate_series(0, 19) k`;
    try {
      await lib.prisma.$executeRaw`ANALYZE turns`;

      for (const withResponseText of [false, true]) {
        const statement = lib.ratedHistoryStatement({ userId, limit: 200, embeddingKey: "none", withResponseText }, []);
        const [{ "QUERY PLAN": plan }] = await lib.prisma.$queryRaw<{ "QUERY PLAN": unknown }[]>`EXPLAIN (FORMAT JSON) ${statement}`;
        const scans: string[] = [];
        const visit = (node: Record<string, unknown>) => {
          if (node["Relation Name"] === "turns") scans.push(String(node["Node Type"]));
          for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
        };
        visit((plan as { Plan: Record<string, unknown> }[])[0].Plan);
        expect(scans.length).toBeGreaterThan(0);
        expect(scans).not.toContain("Seq Scan");
      }
    } finally {
      // Later test files share the database: the other user goes, with their conversations.
      await lib.prisma.user.delete({ where: { id: other } });
    }
    expect(await lib.store.getRatedHistory({ userId, limit: 200, embeddingKey: "none" })).toHaveLength(30);
  });
});
