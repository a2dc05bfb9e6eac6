import type { TestProject } from "vitest/node";
import { createTestDatabase } from "./database";

/** One migrated database per Vitest run; workers inherit DATABASE_URL. */
export default async function setup(_project: TestProject) {
  const db = await createTestDatabase();
  process.env.DATABASE_URL = db.url;
  process.env.AUTH_SECRET ??= "test-secret-0123456789abcdef";
  // Exploration tries a rarely rated model on a random share of turns: tests that assert where a turn goes would
  // flake. It has tests of its own with a fixed random source (test/router-core).
  process.env.ROUTER_EXPLORE_SHARE ??= "0";
  return () => db.drop();
}
