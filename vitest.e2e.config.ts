import { defineConfig } from "vitest/config";
import { resolve } from "./vitest.shared";

/** Browser and HTTP tests against the production build, a real database and the demo LLM server. */
export default defineConfig({
  resolve,
  test: {
    environment: "node",
    include: ["test/e2e/**/*.e2e.test.ts"],
    globalSetup: ["test/e2e/support/global-app.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
