import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../support/database";
import { fixtureId, useFixtureDatabase } from "./fixture";

let db: TestDatabase;
let users: typeof import("@/lib/db/queries/admin/users");
let detail: typeof import("@/lib/db/queries/admin/user-detail");

beforeAll(async () => {
  db = await useFixtureDatabase();
  users = await import("@/lib/db/queries/admin/users");
  detail = await import("@/lib/db/queries/admin/user-detail");
});
afterAll(async () => {
  await (await import("@/lib/db/client")).prisma.$disconnect();
  await db.drop();
});

const list = (args: Partial<Parameters<typeof users.listAdminUsers>[0]>) =>
  users.listAdminUsers({ sort: "email", direction: "asc", page: 1, pageSize: 10, ...args });

describe("users table", () => {
  it("aggregates turns, ratings, satisfaction, spend, cold-start state and top model per user", async () => {
    const { rows, total } = await list({ sort: "spend", direction: "desc" });
    expect(total).toBe(4);
    expect(
      rows.map((r) => ({
        email: r.email,
        turns: r.turns,
        ratings: r.ratings,
        satisfaction: r.satisfaction,
        spend: Number(r.spend.toFixed(9)),
        coldStart: r.coldStart,
        topModelId: r.topModelId,
      })),
    ).toEqual([
      { email: "carol@example.test", turns: 2, ratings: 2, satisfaction: 0.375, spend: 1.003, coldStart: false, topModelId: "m-cheap" },
      { email: "alice@example.test", turns: 2, ratings: 2, satisfaction: 0.625, spend: 0.035, coldStart: false, topModelId: "m-cheap" },
      { email: "bob@example.test", turns: 2, ratings: 1, satisfaction: 0, spend: 0.004, coldStart: true, topModelId: "m-cheap" },
      { email: "dave@example.test", turns: 0, ratings: 0, satisfaction: null, spend: 0, coldStart: null, topModelId: null },
    ]);
  });

  it("sorts by an aggregate with users lacking it last, and pages on the server", async () => {
    expect((await list({ sort: "satisfaction", direction: "desc" })).rows.map((r) => r.email)).toEqual([
      "alice@example.test",
      "carol@example.test",
      "bob@example.test",
      "dave@example.test",
    ]);
    expect((await list({ sort: "satisfaction", direction: "asc" })).rows.map((r) => r.email)).toEqual([
      "bob@example.test",
      "carol@example.test",
      "alice@example.test",
      "dave@example.test",
    ]);
    expect((await list({ sort: "ratings", direction: "asc", pageSize: 2, page: 1 })).rows.map((r) => r.email)).toEqual([
      "dave@example.test",
      "bob@example.test",
    ]);
    const page2 = await list({ sort: "email", direction: "asc", pageSize: 3, page: 2 });
    expect(page2).toEqual({ total: 4, rows: [expect.objectContaining({ email: "dave@example.test" })] });
  });

  it("searches email and name case-insensitively, treating % and _ literally", async () => {
    expect(await list({ search: "BO" })).toEqual({ total: 1, rows: [expect.objectContaining({ email: "bob@example.test" })] });
    expect((await list({ search: "%" })).total).toBe(0);
  });
});

describe("per-user page", () => {
  it("summarises one user", async () => {
    expect(await detail.getUserSummary({ userId: fixtureId("alice") })).toEqual({
      turns: 2,
      failed: 0,
      spend: expect.closeTo(0.035, 12),
      ratings: 2,
      satisfaction: 0.625,
      decisions: 2,
      overrides: 1,
      fallbacks: 0,
    });
  });

  it("lists the routing timeline newest first with candidate scores and the rating each answer got", async () => {
    const timeline = await detail.getRoutingTimeline({ userId: fixtureId("alice"), limit: 10 });
    expect(timeline.map((d) => [d.chosenModelId, d.override, d.ratingValue])).toEqual([
      ["m-pricey", true, 0.25],
      ["m-cheap", false, 1],
    ]);
    expect(timeline[0].candidates).toEqual([
      { modelId: "m-cheap", score: 0.6, probability: 0.6 },
      { modelId: "m-pricey", score: 0.4, probability: 0.4 },
    ]);
  });

  it("computes the user's ratings per model", async () => {
    expect(await detail.getUserRatingsByModel({ userId: fixtureId("alice") })).toEqual([
      { modelId: "m-cheap", ratings: 1, avgStars: 5, thumbsUpRate: 1, satisfaction: 1 },
      { modelId: "m-pricey", ratings: 1, avgStars: 2, thumbsUpRate: null, satisfaction: 0.25 },
    ]);
  });

  it("compares the user's model mix with the population's and counts overrides per model", async () => {
    const mix = await detail.getUserModelMix({ userId: fixtureId("alice") });
    expect(mix).toEqual([
      { modelId: "m-cheap", userDecisions: 1, userShare: 0.5, populationShare: expect.closeTo(4 / 6, 12), overrides: 0 },
      { modelId: "m-pricey", userDecisions: 1, userShare: 0.5, populationShare: expect.closeTo(2 / 6, 12), overrides: 1 },
    ]);
    const none = await detail.getUserModelMix({ userId: fixtureId("dave") });
    expect(none.map((m) => [m.userDecisions, m.userShare])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it("finds decisions the user's ratings changed against the version's no-ratings baseline", async () => {
    const carol = await detail.getRatingChangedDecisions({ userId: fixtureId("carol"), limit: 10 });
    expect(carol).toEqual({
      total: 1,
      rows: [expect.objectContaining({ routerVersion: "v2", chosenModelId: "m-pricey", baselineModelId: "m-cheap", ratingsUsed: 2 })],
    });
    // Alice's only decision that used ratings was an override, which says nothing about the router.
    expect(await detail.getRatingChangedDecisions({ userId: fixtureId("alice"), limit: 10 })).toEqual({ total: 0, rows: [] });
  });
});
