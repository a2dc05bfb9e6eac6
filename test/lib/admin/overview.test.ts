import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../support/database";
import { useFixtureDatabase, WINDOW } from "./fixture";

let db: TestDatabase;
let q: typeof import("@/lib/db/queries/admin/overview");

beforeAll(async () => {
  db = await useFixtureDatabase();
  q = await import("@/lib/db/queries/admin/overview");
});
afterAll(async () => {
  await (await import("@/lib/db/client")).prisma.$disconnect();
  await db.drop();
});

const money = (n: number) => Number(n.toFixed(9));

describe("overview aggregates", () => {
  it("counts turns, failures and spend per day, per model and per (day, model) in the window only", async () => {
    const a = await q.getTurnActivity(WINDOW);
    expect(a.total).toEqual({ turns: 5, failed: 1, spend: expect.closeTo(0.042, 12) });
    expect(a.byDay.map((d) => ({ ...d, spend: money(d.spend) }))).toEqual([
      { day: "2026-01-01", turns: 3, failed: 1, spend: 0.035 },
      { day: "2026-01-02", turns: 2, failed: 0, spend: 0.007 },
    ]);
    expect(a.byModel.map((m) => ({ ...m, spend: money(m.spend) }))).toEqual([
      { modelId: "m-cheap", turns: 3, spend: 0.009, promptTokens: 3000, completionTokens: 3000 },
      { modelId: "m-pricey", turns: 2, spend: 0.033, promptTokens: 1100, completionTokens: 1100 },
    ]);
    expect(a.byDayModel.map((m) => ({ ...m, spend: money(m.spend) }))).toEqual([
      { day: "2026-01-01", modelId: "m-cheap", turns: 2, spend: 0.005 },
      { day: "2026-01-01", modelId: "m-pricey", turns: 1, spend: 0.03 },
      { day: "2026-01-02", modelId: "m-cheap", turns: 1, spend: 0.004 },
      { day: "2026-01-02", modelId: "m-pricey", turns: 1, spend: 0.003 },
    ]);
  });

  it("averages stars, thumbs-up rate and satisfaction per model over ratings that have them", async () => {
    expect(await q.getRatingsByModel(WINDOW)).toEqual([
      { modelId: "m-cheap", ratings: 2, avgStars: 5, thumbsUpRate: 0.5, satisfaction: 0.5 },
      { modelId: "m-pricey", ratings: 2, avgStars: 3, thumbsUpRate: 1, satisfaction: 0.5 },
    ]);
  });

  it("computes routing latency percentiles overall and per router version and provider", async () => {
    const latency = await q.getRoutingLatency(WINDOW);
    expect(latency.overall).toEqual({ routerVersion: null, executionProvider: null, decisions: 5, p50Ms: 3, p99Ms: expect.closeTo(9.76, 9) });
    expect(latency.byVersion).toEqual([
      { routerVersion: "v1", executionProvider: "cpu", decisions: 3, p50Ms: 2, p99Ms: expect.closeTo(2.98, 9) },
      { routerVersion: "v2", executionProvider: "cuda", decisions: 2, p50Ms: 7, p99Ms: expect.closeTo(9.94, 9) },
    ]);
  });

  it("reports the active router version and what the newest decision ran on", async () => {
    const inUse = await q.getRouterInUse();
    expect(inUse.active?.id).toBe("v2");
    expect(inUse.latest).toEqual({ routerVersion: "v2", executionProvider: "cuda", createdAt: new Date("2026-01-02T11:00:00Z") });
  });
});
