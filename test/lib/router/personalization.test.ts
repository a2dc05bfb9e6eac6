import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedAnswer, seedModels, seedUser } from "../../support/seed";

/**
 * The product's promise, end to end on real parts: the shipped router model,
 * the Prisma history store on a real database and the real encoder.
 */
const CODING = [
  "Write a Python function that reverses a linked list.",
  "How do I parse a JSON file in Go?",
  "Implement binary search in JavaScript and explain its complexity.",
  "Write a SQL query that returns the ten most recent orders per customer.",
];
const NEW_CODING = "Write a Rust function that merges two sorted vectors into one sorted vector.";

type Lib = {
  routeQuery: typeof import("@/lib/router/runtime").routeQuery;
  PrismaHistoryStore: typeof import("@/lib/router/prisma-history-store").PrismaHistoryStore;
  saveRating: typeof import("@/lib/feedback/ratings").saveRating;
  prisma: typeof import("@/lib/db/client").prisma;
};
let lib: Lib;
let candidates: { id: string; description: string }[];
let liked: string;
let disliked: string;

beforeAll(async () => {
  process.env.ROUTER_MODEL_DIR ??= "router-core/models/default";
  const [{ routeQuery }, { PrismaHistoryStore }, { saveRating }, { prisma }] = await Promise.all([
    import("@/lib/router/runtime"),
    import("@/lib/router/prisma-history-store"),
    import("@/lib/feedback/ratings"),
    import("@/lib/db/client"),
  ]);
  lib = { routeQuery, PrismaHistoryStore, saveRating, prisma };
  const manifest = (await import("node:fs")).readFileSync(`${process.env.ROUTER_MODEL_DIR}/manifest.json`, "utf8");
  const catalog = (JSON.parse(manifest) as { llms: { id: string; description: string }[] }).llms;
  // Two models the population rates alike, so that a user's own ratings must decide.
  liked = "gpt-3.5-turbo";
  disliked = "claude-v1";
  candidates = catalog.filter((m) => m.id === liked || m.id === disliked).map((m) => ({ id: m.id, description: m.description }));
  expect(candidates).toHaveLength(2);
  await seedModels(candidates);
}, 120_000);

afterAll(() => lib?.prisma.$disconnect());

async function rateHistory(userId: string, good: string, bad: string, questions = CODING) {
  for (const question of questions) {
    await lib.saveRating({ userId, turnId: await seedAnswer({ userId, question, modelId: good }), input: { stars: 5, thumbsUp: null, comment: null } });
    await lib.saveRating({ userId, turnId: await seedAnswer({ userId, question, modelId: bad }), input: { stars: 1, thumbsUp: null, comment: null } });
  }
}

const route = (userId: string) => lib.routeQuery({ userId, message: NEW_CODING, earlierUserMessages: [], candidates });
const probabilityOf = (decision: Awaited<ReturnType<typeof route>>, id: string) => decision.candidates.find((c) => c.id === id)!.probability;

describe("personalised routing with the shipped model", () => {
  it("sends the same new question to different models for users who rated alike questions oppositely", async () => {
    const alice = await seedUser("alice");
    const bob = await seedUser("bob");
    await rateHistory(alice, liked, disliked);
    await rateHistory(bob, disliked, liked);
    const [forAlice, forBob] = [await route(alice), await route(bob)];
    expect(forAlice.fallback).toBe(false);
    expect(forAlice.coldStart).toMatchObject({ ratingsUsed: CODING.length * 2, usedColdStartVector: false });
    expect(forAlice.modelId).toBe(liked);
    expect(forBob.modelId).toBe(disliked);
  });

  it("gives a user without history the cold-start policy", async () => {
    const carol = await seedUser("carol");
    const decision = await route(carol);
    expect(decision.fallback).toBe(false);
    expect(decision.coldStart).toMatchObject({ ratingsUsed: 0, usedColdStartVector: true });
  });

  it("changes the next decision after one new rating, without retraining", async () => {
    const dave = await seedUser("dave");
    await rateHistory(dave, liked, disliked, CODING.slice(0, 1));
    const before = await route(dave);
    expect(before.userCache).toBe("miss");
    expect((await route(dave)).userCache).toBe("hit");

    await rateHistory(dave, disliked, liked, CODING.slice(1, 2));
    // The rating re-encodes dave in the background; whether this turn or that refresh encodes, it sees the new rating.
    const after = await route(dave);
    expect(after.coldStart.ratingsUsed).toBe(before.coldStart.ratingsUsed + 2);
    expect(probabilityOf(after, disliked)).toBeGreaterThan(probabilityOf(before, disliked));
  });

  it("re-encodes a user at most twice for a burst of ratings: the refresh in flight, then one for all rated meanwhile", async () => {
    const erin = await seedUser("erin");
    const answers: string[] = [];
    for (const question of CODING) answers.push(await seedAnswer({ userId: erin, question, modelId: liked }));
    const load = lib.PrismaHistoryStore.prototype.getRatedHistory;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first background refresh is held inside its history read until every rating of the burst is stored.
    const loads = vi.spyOn(lib.PrismaHistoryStore.prototype, "getRatedHistory").mockImplementation(async function (
      this: InstanceType<Lib["PrismaHistoryStore"]>,
      args,
    ) {
      if (loads.mock.calls.length === 1) await held;
      return load.call(this, args);
    });
    try {
      for (const turnId of answers) await lib.saveRating({ userId: erin, turnId, input: { stars: 5, thumbsUp: null, comment: null } });
      release();
      await vi.waitFor(() => expect(loads).toHaveBeenCalledTimes(2));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(loads).toHaveBeenCalledTimes(2);
    } finally {
      loads.mockRestore();
    }
    expect((await route(erin)).coldStart.ratingsUsed).toBe(CODING.length);
  });
});
