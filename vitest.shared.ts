import { fileURLToPath } from "node:url";
import type { ViteUserConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Module resolution shared by every Vitest suite: the `@/` alias, and lib/'s server-only guard made importable. */
export const resolve: ViteUserConfig["resolve"] = {
  alias: [
    { find: /^server-only$/, replacement: `${root}test/support/server-only.ts` },
    { find: /^@\//, replacement: root },
  ],
};
