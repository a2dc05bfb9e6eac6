import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedAnswer, seedModels, seedUser } from "../../support/seed";

/**
 * Population learning on real parts: ratings stored by several users in PostgreSQL, the app's population
 * loader, the shipped router model and the real encoder. Two deployment models the router never saw, with
 * one description: only the population's ratings can tell them apart.
 */
const FAST = "acme-fast";
const SMART = "acme-smart";
const DESCRIPTION = "A general-purpose assistant model served by this deployment.";
const CODING = [
  "Write a Python function that reverses a linked list.",
  "How do I parse a JSON file in Go?",
  "Implement binary search in JavaScript.",
  "Write a SQL query that returns the ten most recent orders per customer.",
  "Fix the off-by-one error in my C loop.",
  "Write a Java class for a bank account with deposit and withdraw.",
];
const FACTS = ["What is the capital of Peru?", "Who painted The Night Watch?", "How many moons does Mars have?", "When did the Roman Empire fall?"];

type Lib = {
  routeQuery: typeof import("@/lib/router/runtime").routeQuery;
  reloadActiveRouter: typeof import("@/lib/router/runtime").reloadActiveRouter;
  loadPopulationEvidence: typeof import("@/lib/router/population").loadPopulationEvidence;
  populationWindowStart: typeof import("@/lib/router/population").populationWindowStart;
  saveRating: typeof import("@/lib/feedback/ratings").saveRating;
  prisma: typeof import("@/lib/db/client").prisma;
};
let lib: Lib;
const candidates = [FAST, SMART].map((id) => ({ id, description: DESCRIPTION }));

async function rate(userId: string, question: string, modelId: string, stars: number) {
  await lib.saveRating({ userId, turnId: await seedAnswer({ userId, question, modelId }), input: { stars, thumbsUp: null, comment: null } });
}

beforeAll(async () => {
  process.env.ROUTER_MODEL_DIR ??= "router-core/models/default";
  const [runtime, population, { saveRating }, { prisma }] = await Promise.all([
    import("@/lib/router/runtime"),
    import("@/lib/router/population"),
    import("@/lib/feedback/ratings"),
    import("@/lib/db/client"),
  ]);
  lib = { ...runtime, ...population, saveRating, prisma };
  await seedModels(candidates);
  // Everyone likes acme-smart's code and acme-fast's facts.
  for (const [i, question] of CODING.entries()) {
    const user = await seedUser(`rater-${i}`);
    await rate(user, question, SMART, 5);
    await rate(user, question, FAST, 1);
    await rate(user, FACTS[i % FACTS.length], FAST, 5);
    await rate(user, FACTS[i % FACTS.length], SMART, 2);
  }
  await lib.reloadActiveRouter();
}, 120_000);

afterAll(async () => {
  // Other files share the database: leave no extra enabled models behind.
  await lib?.prisma.llmModel.updateMany({ where: { id: { in: [FAST, SMART] } }, data: { enabled: false } });
  await lib?.prisma.$disconnect();
});

describe("the population prior learns the deployment's models from everyone's ratings", () => {
  it("loads everyone's ratings with each model's count", async () => {
    const { UseLiteOnnxEmbedder, USE_LITE_ID } = await import("@/router-core");
    const evidence = await lib.loadPopulationEvidence(await UseLiteOnnxEmbedder.create(), `${USE_LITE_ID}:current_only`);
    expect(evidence.ratingCounts.get(SMART)).toBe(CODING.length * 2);
    expect(evidence.ratingCounts.get(FAST)).toBe(CODING.length * 2);
    expect(evidence.modelIds.filter((id) => id === SMART)).toHaveLength(CODING.length * 2);
  });

  it("reads the newest signals only, ratings and votes alike, for its sample and its counts", async () => {
    const { UseLiteOnnxEmbedder, USE_LITE_ID } = await import("@/router-core");
    const [older, newer] = ["window-older", "window-newer"];
    await seedModels([older, newer].map((id) => ({ id, description: DESCRIPTION })));
    const user = await seedUser("window-rater");
    // Dated after everything else the shared database holds, so they are its newest signals, a minute apart.
    const at = (minute: number) => new Date(Date.UTC(2100, 0, 1, 0, minute));
    const rated: string[] = [];
    for (const [minute, modelId] of [older, older, newer, newer].entries()) {
      const turnId = await seedAnswer({ userId: user, question: `window question ${minute}`, modelId });
      await lib.prisma.rating.create({ data: { turnId, userId: user, stars: 4, value: 0.75 } });
      await lib.prisma.$executeRaw`UPDATE ratings SET updated_at = ${at(minute)} WHERE turn_id = ${turnId}::uuid`;
      rated.push(turnId);
    }
    // The newest signal: a vote between the two models' answers to one question (a signal for each answer).
    const left = await seedAnswer({ userId: user, question: "window vote", modelId: newer });
    const { parentId, chatSessionId } = await lib.prisma.turn.findUniqueOrThrow({ where: { id: left } });
    const right = await lib.prisma.turn.create({
      data: { chatSessionId, userId: user, position: 2, role: "assistant", content: "b", parentId, modelId: older, status: "completed" },
    });
    await lib.prisma.comparison.create({ data: { userId: user, userTurnId: parentId!, turnAId: left, turnBId: right.id, winner: "a", votedAt: at(4) } });
    try {
      expect(await lib.populationWindowStart(1)).toEqual(at(4));
      expect(await lib.populationWindowStart(3)).toEqual(at(2));
      const embedder = await UseLiteOnnxEmbedder.create();
      const load = (window: number | null, sample: number) => lib.loadPopulationEvidence(embedder, `${USE_LITE_ID}:current_only`, { window, sample });
      const counted = (e: Awaited<ReturnType<typeof load>>) => [older, newer].map((id) => e.ratingCounts.get(id) ?? 0);
      const sampled = (e: Awaited<ReturnType<typeof load>>) => [older, newer].map((id) => e.modelIds.filter((m) => m === id).length);

      const vote = await load(1, 2);
      expect(counted(vote)).toEqual([1, 1]);
      expect(sampled(vote)).toEqual([1, 1]);
      // One signal holds less than a sample of three: the window widens to four (from minute 1 on), and the sample is
      // the newest three of it.
      const widened = await load(1, 3);
      expect(counted(widened)).toEqual([2, 3]);
      expect(sampled(widened)).toEqual([1, 2]);
      expect(counted(await load(null, 3))).toEqual([3, 3]);
    } finally {
      // Other files share the database: no signals from the future, no extra enabled models.
      await lib.prisma.comparison.deleteMany({ where: { userId: user } });
      await lib.prisma.rating.deleteMany({ where: { turnId: { in: rated } } });
      await lib.prisma.llmModel.updateMany({ where: { id: { in: [older, newer] } }, data: { enabled: false } });
    }
  });

  it("routes a brand-new user's code question to the model everyone rated well on code, and a fact question elsewhere", async () => {
    const newcomer = await seedUser("newcomer");
    const code = await lib.routeQuery({
      userId: newcomer,
      message: "Write a TypeScript function that debounces another function.",
      earlierUserMessages: [],
      candidates,
    });
    expect(code.coldStart.ratingsUsed).toBe(0);
    expect(code.modelId).toBe(SMART);
    expect(code.basis).toBe("population");
    const smart = code.candidates.find((c) => c.id === SMART)!;
    expect(smart.population).toBeGreaterThan(0);
    const fact = await lib.routeQuery({ userId: newcomer, message: "What is the capital of Kenya?", earlierUserMessages: [], candidates });
    expect(fact.modelId).toBe(FAST);
  });
});
