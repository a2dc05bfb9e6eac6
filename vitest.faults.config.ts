import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared";

/**
 * Fault injection against the production build: each file starts its own app,
 * database and demo LLM (test/support/stack.ts), breaks something real
 * (Postgres restart, LLM killed mid-stream, corrupt router model, exhausted
 * connection pool) and checks recovery and that no acknowledged write is lost.
 */
export default defineConfig({
  resolve,
  test: {
    environment: "node",
    // Not *.test.ts, so the unit run (vitest.config.ts) never picks these up.
    include: ["test/faults/**/*.fault.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: false,
  },
});
