import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../support/database";
import { fixtureId, useFixtureDatabase, WINDOW } from "./fixture";

let db: TestDatabase;
let models: typeof import("@/lib/db/queries/admin/models");
let router: typeof import("@/lib/db/queries/admin/router");

beforeAll(async () => {
  db = await useFixtureDatabase({ comparisons: true });
  models = await import("@/lib/db/queries/admin/models");
  router = await import("@/lib/db/queries/admin/router");
});
afterAll(async () => {
  await (await import("@/lib/db/client")).prisma.$disconnect();
  await db.drop();
});

describe("models page aggregates", () => {
  it("reports failed turns and p50 latency / time to first token per model in the window", async () => {
    expect(await models.getModelHealth(WINDOW)).toEqual([
      { modelId: "m-cheap", turns: 3, failed: 1, errorRate: 1 / 3, latencyP50Ms: 150, ttftP50Ms: 15 },
      { modelId: "m-pricey", turns: 2, failed: 0, errorRate: 0, latencyP50Ms: 400, ttftP50Ms: 40 },
    ]);
  });

  it("computes win rates over voted comparisons between different models, ties counting half", async () => {
    expect(await models.getWinRates()).toEqual([
      { modelId: "m-cheap", comparisons: 4, wins: 2, ties: 1, losses: 1, winRate: 0.625 },
      { modelId: "m-pricey", comparisons: 4, wins: 1, ties: 1, losses: 2, winRate: 0.375 },
    ]);
  });
});

describe("model catalog", () => {
  const input = {
    id: "m-new",
    displayName: "New",
    baseUrl: "http://x/v1",
    providerModelId: "new",
    description: "a new model",
    examples: ["Summarise this article in three bullet points."],
    inputPricePerM: 2,
    outputPricePerM: 4,
    enabled: true,
  };

  it("creates, edits and disables a model, refusing duplicates and unknown ids with app errors", async () => {
    expect(await models.createCatalogModel({ model: input })).toMatchObject({ id: "m-new", apiKeyEnv: null, inputPricePerM: 2 });
    await expect(models.createCatalogModel({ model: input })).rejects.toMatchObject({ code: "conflict:model", status: 409 });
    expect(await models.updateCatalogModel({ id: "m-new", changes: { description: "better words", enabled: false, outputPricePerM: 5 } })).toMatchObject({
      description: "better words",
      enabled: false,
      outputPricePerM: 5,
      inputPricePerM: 2,
    });
    await expect(models.updateCatalogModel({ id: "nope", changes: { enabled: false } })).rejects.toMatchObject({ code: "not_found:model", status: 404 });
    expect((await models.listCatalog()).map((m) => m.id)).toEqual(["m-cheap", "m-new", "m-off", "m-pricey"]);
  });
});

describe("router page aggregates", () => {
  it("lists versions newest first with their decision counts", async () => {
    const versions = await router.listRouterVersions();
    expect(versions.map((v) => [v.id, v.active, v.decisions, v.metrics])).toEqual([
      ["v2", true, 2, { auc: 0.75 }],
      ["v1", false, 4, { auc: 0.7 }],
    ]);
  });

  it("lists training runs newest first with only the log's tail", async () => {
    const runs = await router.listTrainingRuns({ limit: 10 });
    expect(runs.map((r) => [r.id, r.status, r.logTail.length])).toEqual([
      [fixtureId("run-2"), "failed", 4000],
      [fixtureId("run-1"), "succeeded", 7],
    ]);
    expect(runs[0].logTail.endsWith("tail-end")).toBe(true);
  });

  it("compares the router's rated picks with each fixed model, with compare votes from the router's side", async () => {
    const result = await router.getRouterVsFixed(WINDOW);
    expect(result.router).toEqual({ ratings: 3, satisfaction: expect.closeTo(1.75 / 3, 12) });
    expect(result.models).toEqual([
      { modelId: "m-cheap", ratings: 2, satisfaction: 0.5, routedRatings: 2, routedSatisfaction: 0.5, votes: 1, routerWins: 0, routerTies: 0, routerLosses: 1 },
      {
        modelId: "m-pricey",
        ratings: 2,
        satisfaction: 0.5,
        routedRatings: 1,
        routedSatisfaction: 0.75,
        votes: 2,
        routerWins: 1,
        routerTies: 1,
        routerLosses: 0,
      },
    ]);
  });

  it("prices the window's tokens at the most expensive enabled model to show the saving", async () => {
    const cost = await router.getCostSaved(WINDOW);
    expect(cost).toEqual({
      priciestModelId: "m-pricey",
      turns: 5,
      actualSpend: expect.closeTo(0.042, 12),
      priciestSpend: expect.closeTo(0.123, 12),
      saved: expect.closeTo(0.081, 12),
    });
  });
});
