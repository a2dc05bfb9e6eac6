import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPrismaSchema } from "../../support/prisma-schema";

const models = readPrismaSchema("prisma/schema.prisma");
let client: pg.Client;

beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(() => client.end());

describe("migrated database matches schema.prisma", () => {
  it("has exactly the tables of the schema (plus Prisma's bookkeeping)", async () => {
    const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    expect(rows.map((r) => r.table_name).sort()).toEqual([...models.map((m) => m.table), "_prisma_migrations"].sort());
  });

  it.each(models.map((m) => [m.table, m] as const))("%s: columns, types and nullability", async (table, model) => {
    const { rows } = await client.query<{ column_name: string; type: string; udt_name: string; is_nullable: string }>(
      `SELECT column_name, format_type(a.atttypid, a.atttypmod) AS type, c.udt_name, c.is_nullable
         FROM information_schema.columns c
         JOIN pg_attribute a ON a.attrelid = ('public.' || quote_ident(c.table_name))::regclass AND a.attname = c.column_name
        WHERE c.table_schema = 'public' AND c.table_name = $1`,
      [table],
    );
    const actual = rows.map((r) => ({ table, column: r.column_name, type: r.type.replace(/^"(.*)"$/, "$1"), nullable: r.is_nullable === "YES" }));
    const byColumn = (a: { column: string }, b: { column: string }) => a.column.localeCompare(b.column);
    expect(actual.sort(byColumn)).toEqual([...model.columns].sort(byColumn));
  });

  it.each(models.map((m) => [m.table, m] as const))("%s: unique constraints", async (table, model) => {
    const { rows } = await client.query<{ columns: string[] }>(
      `SELECT array_agg(a.attname::text ORDER BY k.ord) AS columns
         FROM pg_index i
         CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
        WHERE i.indrelid = ('public.' || quote_ident($1))::regclass AND i.indisunique AND i.indpred IS NULL
        GROUP BY i.indexrelid`,
      [table],
    );
    const key = (cols: string[]) => cols.join(",");
    expect(rows.map((r) => key(r.columns)).sort()).toEqual(model.uniques.map(key).sort());
  });
});
