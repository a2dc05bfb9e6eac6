import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { startDemoLlmServer } from "@/lib/llm/demo-server";
import { createTestDatabase } from "../../support/database";
import { freePort, waitForHttp } from "../../support/net";

/**
 * Runs the real production build against a fresh database and the local demo
 * LLM server, for browser and HTTP tests. Needs `next build` to have run.
 */
export default async function setup() {
  if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npx next build` before the e2e suite (npm test does).");
  const db = await createTestDatabase("sb_e2e");
  const demo = await startDemoLlmServer({ port: 0 });
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: "production" as const,
    DATABASE_URL: db.url,
    AUTH_SECRET: "e2e-secret-0123456789abcdef0123456789",
    DEMO_LLM_URL: demo.url,
    LLM_FIRST_TOKEN_TIMEOUT_MS: "3000",
    // The test clients stand in for a proxy on loopback, naming the client in X-Forwarded-For (lib/security/peer.ts).
    TRUSTED_PROXIES: "loopback",
    // Every test client registers and signs in from 127.0.0.1; the limits themselves are tested in the faults suite.
    RATE_LIMIT_REGISTER_PER_IP: "10000",
    RATE_LIMIT_LOGIN_PER_IP: "10000",
    NEXT_TELEMETRY_DISABLED: "1",
    // The trained router alone must personalize (the e2e rating test); the online layer has unit tests of its own.
    ROUTER_ONLINE_BETA: "0",
    // Routing must not depend on which test ran first: everyone's ratings are read once, at start (an empty
    // database, so the catalog's hints alone), and no turn explores. Both have tests of their own (test/lib/router).
    ROUTER_POPULATION_REFRESH_MS: "86400000",
    ROUTER_EXPLORE_SHARE: "0",
  };
  for (const command of [
    ["db", "migrate"],
    ["models", "sync"],
  ]) {
    const seeded = spawnSync("npx", ["switchboard", ...command], { env, encoding: "utf8" });
    if (seeded.status !== 0) throw new Error(`switchboard ${command.join(" ")} failed: ${seeded.stderr}`);
  }

  const app = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "inherit", "inherit"], detached: true });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/login`, app);
  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_DATABASE_URL = db.url;
  process.env.E2E_AUTH_SECRET = env.AUTH_SECRET;

  return async () => {
    if (app.pid) process.kill(-app.pid, "SIGTERM");
    await demo.close();
    await new Promise((r) => setTimeout(r, 500));
    await db.drop();
  };
}
