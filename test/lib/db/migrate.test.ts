import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, listMigrations } from "@/lib/db/migrate";
import { createTestDatabase, type TestDatabase } from "../../support/database";

const created: TestDatabase[] = [];
afterAll(async () => {
  for (const db of created) await db.drop();
});

describe("applyMigrations", () => {
  it("records every migration the way prisma migrate deploy does, and is idempotent", async () => {
    const db = await createTestDatabase("sb_migrate");
    created.push(db);
    const again = await applyMigrations(db.url);
    const names = listMigrations("prisma/migrations").map((m) => m.name);
    expect(again).toEqual({ applied: [], skipped: names });

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(`SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`);
    await client.end();
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = readFileSync(`prisma/migrations/${row.migration_name}/migration.sql`);
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
    }
  });

  it("refuses a migration edited after it was applied", async () => {
    const db = await createTestDatabase("sb_migrate");
    created.push(db);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`UPDATE "_prisma_migrations" SET checksum = 'tampered'`);
    await client.end();
    await expect(applyMigrations(db.url)).rejects.toThrow(/was modified after it was applied/);
  });
});
