import type { TestProject } from "vitest/node";
import { createTestDatabase } from "./database";

/** One migrated database per Vitest run; workers inherit DATABASE_URL. */
export default async function setup(_project: TestProject) {
  const db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  process.env.AUTH_SECRET ??= "test-secret-0123456789abcdef";
  return () => db.drop();
}
