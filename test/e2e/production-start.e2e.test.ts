import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/net";
import { ApiClient } from "./support/api-client";
import { baseUrl } from "./support/browser";
import { queryRows } from "./support/db";

/**
 * The production start without Docker, as docs/deployment.md describes:
 * `npm start` (next start on the `npm run build` output) and the standalone
 * server the Docker image runs, each against an existing, migrated Postgres.
 * The suite's global app already ran `switchboard db migrate` and `models sync` on E2E_DATABASE_URL;
 * these start more instances on that database.
 */

type Server = { process: ChildProcess; url: string; output: () => string };

const servers: Server[] = [];
let demoUrl: string;
let apiKey: string;

async function startServer(
  command: string,
  args: (port: number) => string[],
  extraEnv: (port: number) => Record<string, string> = () => ({}),
): Promise<Server> {
  const port = await freePort();
  let output = "";
  const child = spawn(command, args(port), {
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      AUTH_SECRET: "production-start-secret-0123456789abcdef",
      // Models keep their resolved endpoint in the database, but the models file is read again at run time and names ${DEMO_LLM_URL}.
      DEMO_LLM_URL: demoUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      ...extraEnv(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const server = { process: child, url: `http://127.0.0.1:${port}`, output: () => output };
  servers.push(server);
  return server;
}

/**
 * The standalone server the Docker image runs. server.js changes into its own folder, so files the app reads at
 * run time are named absolutely (the image copies them beside it).
 */
function startStandalone(env: Record<string, string> = {}): Promise<Server> {
  return startServer(
    "node",
    () => [".next/standalone/server.js"],
    (port) => ({
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      MODELS_FILE: path.resolve("models.json"),
      ROUTER_MODEL_DIR: path.resolve("router-core/models/default"),
      ...env,
    }),
  );
}

async function waitForHealth(server: Server, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.process.exitCode !== null) throw new Error(`the server exited with ${server.process.exitCode}:\n${server.output()}`);
    try {
      const response = await fetch(`${server.url}/api/health`);
      if (response.ok) return response;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`/api/health did not answer within ${timeoutMs} ms:\n${server.output()}`);
}

type Readiness = { ready: boolean; database: { status: string }; router: { status: string; executionProvider?: string } };

/** Ready at once (the database answers); the router loads in the background at start and must come up on ONNX Runtime's CPU provider. */
async function expectReady(server: Server, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let body: Readiness;
  do {
    const ready = await fetch(`${server.url}/api/ready`);
    body = (await ready.json()) as Readiness;
    expect(ready.status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.database).toEqual({ status: "ok" });
    if (body.router.status === "ready") break;
    await new Promise((r) => setTimeout(r, 500));
  } while (Date.now() < deadline);
  expect(body.router, server.output()).toMatchObject({ status: "ready", executionProvider: "cpu" });
}

/** npm start runs next as a child: wait until every process of the group is gone, not only npm. */
async function waitForGroupExit(pgid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`processes of group ${pgid} still running ${timeoutMs} ms after SIGTERM`);
}

beforeAll(async () => {
  [{ base_url: demoUrl }] = await queryRows<{ base_url: string }>(`SELECT base_url FROM llm_models ORDER BY id LIMIT 1`);
  const user = await ApiClient.register("production");
  const created = await user.request("/api/api-keys", { method: "POST", json: { name: "production" } });
  apiKey = ((await created.json()) as { key: string }).key;
});

afterAll(() => {
  for (const server of servers) {
    try {
      if (server.process.pid) process.kill(-server.process.pid, "SIGKILL");
    } catch {
      // the group already exited, as the shutdown test expects
    }
  }
});

describe("npm start (next start on the production build)", () => {
  let server: Server;

  beforeAll(async () => {
    server = await startServer("npm", (port) => ["start", "--", "-p", String(port), "-H", "127.0.0.1"]);
  });

  it("passes the liveness and readiness checks, which need no session", async () => {
    const health = await waitForHealth(server);
    expect(await health.json()).toEqual({ status: "ok" });
    await expectReady(server);
  });

  it("finishes a stream in flight on SIGTERM, then exits", async () => {
    await waitForHealth(server);
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "demo-concise", stream: true, messages: [{ role: "user", content: "What is a graceful shutdown? [demo:slow]" }] }),
    });
    expect(response.status).toBe(200);
    const turnId = response.headers.get("x-switchboard-turn-id")!;
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let body = decoder.decode((await reader.read()).value);

    process.kill(-server.process.pid!, "SIGTERM");
    const signalled = performance.now();
    let reads = 0;
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      body += decoder.decode(next.value);
      reads++;
    }
    // [demo:slow] spaces chunks 200 ms apart: the answer kept streaming, chunk by chunk, well after the signal.
    expect(reads).toBeGreaterThan(3);
    expect(performance.now() - signalled).toBeGreaterThan(600);

    expect(body.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(body).toContain('"finish_reason":"stop"');
    const [turn] = await queryRows<{ status: string; content: string }>(`SELECT status, content FROM turns WHERE id = $1`, [turnId]);
    expect(turn.status).toBe("completed");
    expect(turn.content.length).toBeGreaterThan(0);

    await waitForGroupExit(server.process.pid!);
    await expect(fetch(`${server.url}/api/health`)).rejects.toThrow();
  });
});

describe("two instances on one database", () => {
  /** One /v1 turn; the model the instance routed (or was told) to and the stored answer's id. */
  async function ask(url: string, key: string, content: string, model = "auto") {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return { model: response.headers.get("x-switchboard-model")!, turnId: response.headers.get("x-switchboard-turn-id")! };
  }

  it("a rating stored through one instance changes the next decision the other serves", async () => {
    // The suite's app is one instance; this one shares its database. The trained router alone must read the ratings.
    // Like the suite's app: no exploration, everyone's ratings read once at start (test/e2e/support/global-app.ts).
    const other = await startStandalone({ ROUTER_ONLINE_BETA: "0", ROUTER_EXPLORE_SHARE: "0", ROUTER_POPULATION_REFRESH_MS: "86400000" });
    await waitForHealth(other);
    await expectReady(other);
    const user = await ApiClient.register("instances");
    const created = await user.request("/api/api-keys", { method: "POST", json: { name: "instances" } });
    const key = ((await created.json()) as { key: string }).key;

    // The other instance routes this user first, so it holds their (empty-history) user vector when the ratings arrive.
    const before = (await ask(other.url, key, "Write a Python function that sorts a list of numbers.")).model;
    const preferred = ["demo-concise", "demo-detailed", "demo-coder"].find((m) => m !== before)!;
    for (const question of [
      "Write a Python function that reverses a string.",
      "Write a Python function that removes duplicates from a list.",
      "Write a Python function that counts words in a text.",
    ]) {
      for (const [model, stars] of [
        [before, 1],
        [preferred, 5],
      ] as const) {
        const answer = await ask(baseUrl(), key, question, model);
        expect(answer.model).toBe(model);
        const rated = await user.request("/api/ratings", { method: "PUT", json: { turnId: answer.turnId, stars } });
        expect(rated.status, await rated.text()).toBe(200);
      }
    }

    const next = await ask(other.url, key, "Write a Python function that sorts a list of words.");
    expect(next.model).not.toBe(before);
    const [decision] = await queryRows<{ ratings_used: number }>(`SELECT ratings_used FROM routing_decisions WHERE turn_id = $1`, [next.turnId]);
    expect(decision.ratings_used).toBe(6);
  });

  it("a model an admin disables through one instance is no longer served by the other, which had it cached", async () => {
    const other = await startStandalone({ ROUTER_EXPLORE_SHARE: "0", ROUTER_POPULATION_REFRESH_MS: "86400000" });
    await waitForHealth(other);
    const user = await ApiClient.register("catalog");
    const key = ((await (await user.request("/api/api-keys", { method: "POST", json: { name: "catalog" } })).json()) as { key: string }).key;
    const admin = await ApiClient.register("catalog-admin");
    await queryRows(`UPDATE users SET role = 'admin' WHERE email = $1`, [admin.email]);
    const model = "demo-detailed";
    // The other instance has served a turn, so it holds the catalog with the model enabled.
    expect((await ask(other.url, key, "What is a prime number?", model)).model).toBe(model);
    const toggle = async (enabled: boolean) =>
      expect((await admin.request(`/api/admin/models/${model}`, { method: "PATCH", json: { enabled } })).status).toBe(200);
    await toggle(false);
    try {
      const refused = await fetch(`${other.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "What is a prime number?" }] }),
      });
      expect(refused.status).toBe(404);
      for (const content of ["Explain recursion in depth, with examples.", "Describe the history of Rome in detail."])
        expect((await ask(other.url, key, content)).model).not.toBe(model);
    } finally {
      await toggle(true);
    }
    expect((await ask(other.url, key, "What is a prime number?", model)).model).toBe(model);
  });
});

/** Waits for a server that should refuse to start; returns its exit code. */
async function waitForExit(server: Server, timeoutMs = 60_000): Promise<number> {
  if (server.process.exitCode !== null) return server.process.exitCode;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${server.output()}`)), timeoutMs);
    server.process.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

describe("AUTH_SECRET in production", () => {
  // Whoever knows the secret can mint a session for anyone, so these must never serve.
  const weak: [string, string, RegExp][] = [
    ["the .env.example placeholder", "change-me-to-a-long-random-string", /placeholder/],
    ["a low-entropy secret", "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", /low in entropy/],
    ["a short secret", "0123456789abcdefXYZ", /shorter than 32/],
  ];
  for (const [what, secret, reason] of weak) {
    it(`refuses to start with ${what}`, async () => {
      const server = await startStandalone({ AUTH_SECRET: secret, LOG_LEVEL: "info" });
      expect(await waitForExit(server)).not.toBe(0);
      expect(server.output()).toMatch(/AUTH_SECRET/);
      expect(server.output()).toMatch(reason);
    });
  }
});

describe("standalone server (what the Docker image runs)", () => {
  it("holds only what the server runs: no tests, benchmarks, trainer, docs or command line", () => {
    expect(existsSync(".next/standalone/server.js")).toBe(true);
    for (const folder of ["test", "bench", "training", "docs", "cli", "scripts", "components"])
      expect(existsSync(`.next/standalone/${folder}`), folder).toBe(false);
  });

  it("serves health, readiness and an API call from .next/standalone", async () => {
    const server = await startStandalone();
    await waitForHealth(server);
    await expectReady(server);
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "auto", messages: [{ role: "user", content: "hello from the standalone server" }] }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(body.choices[0].message.content.length).toBeGreaterThan(0);
  });
});
