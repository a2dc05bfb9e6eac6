import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../support/database";
import { fixtureId, useFixtureDatabase } from "./fixture";

let db: TestDatabase;
let q: typeof import("@/lib/db/queries/admin/decisions");

beforeAll(async () => {
  db = await useFixtureDatabase();
  q = await import("@/lib/db/queries/admin/decisions");
});
afterAll(async () => {
  await (await import("@/lib/db/client")).prisma.$disconnect();
  await db.drop();
});

const turnsOf = (rows: { id: string }[]) => rows.map((r) => ["A1", "A2", "B1", "B2", "C1", "D1"].find((t) => fixtureId(`d-${t}`) === r.id));

describe("decision log", () => {
  it("lists decisions newest first, a page at a time, knowing whether another page follows", async () => {
    const first = await q.listDecisions({ filter: {}, page: 1, pageSize: 4 });
    expect(turnsOf(first.rows)).toEqual(["C1", "B2", "B1", "A2"]);
    expect(first.hasNext).toBe(true);
    const second = await q.listDecisions({ filter: {}, page: 2, pageSize: 4 });
    expect(turnsOf(second.rows)).toEqual(["A1", "D1"]);
    expect(second.hasNext).toBe(false);
    expect(second.rows[0]).toMatchObject({
      userEmail: "alice@example.test",
      routerVersion: "v1",
      executionProvider: "cpu",
      totalMs: 1,
      timings: { totalMs: 1 },
    });
  });

  it("filters by user (email substring or id), model, date range and override/fallback flags", async () => {
    const list = async (filter: Parameters<typeof q.listDecisions>[0]["filter"]) => turnsOf((await q.listDecisions({ filter, page: 1, pageSize: 50 })).rows);
    expect(await list({ user: "ALICE" })).toEqual(["A2", "A1"]);
    expect(await list({ user: fixtureId("carol") })).toEqual(["C1", "D1"]);
    expect(await list({ modelId: "m-pricey" })).toEqual(["C1", "A2"]);
    expect(await list({ from: new Date("2026-01-02T00:00:00Z"), to: new Date("2026-01-03T00:00:00Z") })).toEqual(["C1", "B2"]);
    expect(await list({ override: true })).toEqual(["A2"]);
    expect(await list({ fallback: true })).toEqual(["B1"]);
    expect(await list({ override: false, fallback: false, modelId: "m-cheap" })).toEqual(["B2", "A1", "D1"]);
  });

  it("iterates every match in keyset batches for the CSV export", async () => {
    const batches: string[][] = [];
    for await (const batch of q.iterateDecisions({ filter: {}, batchSize: 4 })) batches.push(turnsOf(batch) as string[]);
    expect(batches).toEqual([
      ["C1", "B2", "B1", "A2"],
      ["A1", "D1"],
    ]);
    const filtered: string[][] = [];
    for await (const batch of q.iterateDecisions({ filter: { modelId: "m-cheap" }, batchSize: 2 })) filtered.push(turnsOf(batch) as string[]);
    expect(filtered).toEqual([
      ["B2", "B1"],
      ["A1", "D1"],
    ]);
  });
});
