import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";

afterAll(() => prisma.$disconnect());

type Prepared = { name: string; statement: string };

describe("the app's database client", () => {
  it("prepares each statement once per connection, under a name its text decides", async () => {
    const marker = `prepared-${Date.now()}`;
    // One transaction holds one connection, whose own prepared statements pg_prepared_statements lists.
    const prepared = await prisma.$transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.$queryRaw`SELECT ${marker}::text AS marker, ${i}::int AS round`;
      await tx.$queryRaw`SELECT ${marker}::text AS other`;
      return tx.$queryRaw<Prepared[]>`SELECT name, statement FROM pg_prepared_statements`;
    });
    const named = prepared.filter((p) => p.statement.includes("AS marker"));
    expect(named).toHaveLength(1);
    expect(named[0].name).toMatch(/^sb_[\w-]{27}$/);
    const other = prepared.find((p) => p.statement.includes("AS other"));
    expect(other?.name).toMatch(/^sb_/);
    expect(other?.name).not.toBe(named[0].name);
  });

  it("answers the same as before once a statement is prepared", async () => {
    const rounds = [];
    for (const i of [1, 2, 3, 4, 5, 6, 7]) rounds.push(await prisma.$queryRaw<{ n: number }[]>`SELECT ${i}::int * 2 AS n`);
    expect(rounds.map(([{ n }]) => n)).toEqual([2, 4, 6, 8, 10, 12, 14]);
  });
});
