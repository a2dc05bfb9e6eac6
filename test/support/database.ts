import { randomBytes } from "node:crypto";
import pg from "pg";
import { applyMigrations, ensureDatabase } from "@/lib/db/migrate";

const SERVER = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432";

export type TestDatabase = { url: string; name: string; drop: () => Promise<void> };

/** A fresh, migrated database for one test run, dropped afterwards. */
export async function createTestDatabase(prefix = "sb_test"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const url = `${SERVER}/${name}`;
  await ensureDatabase(url);
  await applyMigrations(url);
  return {
    url,
    name,
    drop: async () => {
      const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
