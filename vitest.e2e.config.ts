import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Browser and HTTP tests against the production build, a real database and the demo LLM server. */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^server-only$/, replacement: `${root}test/support/server-only.ts` },
      { find: /^@\//, replacement: root },
    ],
  },
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
