import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatResult, LoadClient, type RateResult } from "../support/load-client";
import { PASSWORD, type Stack, startStack } from "../support/stack";
import { ensurePostgresRunning, isDatabaseUnavailableAnswer, lostRatings, lostTurns, newClient, restartPostgres, stopPostgres } from "./support";

const CLIENTS = 20;
const ADMIN_EMAIL = `pg-admin-${Date.now().toString(36)}@example.test`;

let stack: Stack;
beforeAll(async () => {
  ensurePostgresRunning();
  stack = await startStack({
    tag: "fault_pg",
    env: { RATE_LIMIT_CHAT_PER_USER: "100000", RATE_LIMIT_CHAT_PER_IP: "100000", DATABASE_POOL_TIMEOUT_MS: "3000", ADMIN_EMAIL },
  });
});
afterAll(async () => {
  ensurePostgresRunning();
  await stack?.close();
});

/** Requests the app answered 500, found in what it logged. */
const unhandledErrors = () =>
  stack
    .logs()
    .split("\n")
    .filter((line) => line.includes('"msg":"unhandled error"'));

async function waitUntilReady(timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await fetch(`${stack.baseUrl}/api/ready`)).ok) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

describe("Postgres restarts during a load run", () => {
  it("keeps every acknowledged turn and rating, answers 503 with Retry-After meanwhile and recovers without an app restart", async () => {
    const clients: LoadClient[] = [];
    for (let i = 0; i < CLIENTS; i++) clients.push(await newClient(stack, "pg"));
    const sessions = await Promise.all(clients.map((c) => c.createSession()));
    const chats: ChatResult[] = [];
    const ratings: ({ turnId: string; stars: number } & RateResult)[] = [];
    const deadline = Date.now() + 12_000;

    const load = Promise.all(
      clients.map(async (client, i) => {
        for (let n = 0; Date.now() < deadline; n++) {
          const chat = await client.chat(sessions[i], `turn ${n} during a database restart`);
          chats.push(chat);
          if (chat.completed && chat.turnId) ratings.push({ turnId: chat.turnId, stars: 1 + (n % 5), ...(await client.rate(chat.turnId, 1 + (n % 5))) });
          if (!chat.completed) await new Promise((r) => setTimeout(r, 100));
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const restartedAt = Date.now();
    try {
      restartPostgres();
    } finally {
      ensurePostgresRunning();
    }
    const restartMs = Date.now() - restartedAt;
    await load;

    const failed = chats.filter((c) => !c.completed);
    const refusedRatings = ratings.filter((r) => r.status !== 200);
    console.log(
      JSON.stringify({
        fault: "postgres restart",
        restartMs,
        turns: chats.length,
        completed: chats.length - failed.length,
        failed: failed.length,
        statuses: [...new Set(failed.map((c) => c.status))],
        retryAfter: [...new Set(failed.map((c) => c.retryAfter))],
        sampleErrors: [...new Set(failed.map((c) => c.error?.slice(0, 120)))].slice(0, 5),
        ratings: ratings.length,
        refusedRatings: refusedRatings.length,
      }),
    );
    expect(chats.length - failed.length).toBeGreaterThan(CLIENTS);
    // Refused before the answer started: a 503 with Retry-After. Once streaming, a failure can only be an error part, and it must say something.
    expect(failed.filter((c) => (c.status === 200 ? !c.error : !isDatabaseUnavailableAnswer(c)))).toEqual([]);
    expect(refusedRatings.filter((r) => !isDatabaseUnavailableAnswer(r))).toEqual([]);
    expect(unhandledErrors()).toEqual([]);
    expect(await lostTurns(stack, chats)).toEqual([]);
    expect(await lostRatings(stack, ratings)).toEqual([]);

    // Recovered without restarting the app: every client completes a turn again.
    const after = await Promise.all(clients.map((c, i) => c.chat(sessions[i], "after the restart")));
    expect(after.filter((c) => !c.completed).map((c) => `${c.status} ${c.error}`)).toEqual([]);
  });

  it("while it is down, every kind of route answers 503 with Retry-After (web JSON, admin, auth, /v1 in OpenAI format), then serves again", async () => {
    const admin = new LoadClient(stack.baseUrl, ADMIN_EMAIL, "10.9.200.1");
    await admin.register(PASSWORD);
    const user = await newClient(stack, "pg-down");
    const session = await user.createSession();
    const answered = await user.chat(session, "before the outage");
    expect(answered.completed).toBe(true);
    const keyResponse = await user.request("/api/api-keys", { method: "POST", json: { name: "outage" } });
    const { key } = (await keyResponse.json()) as { key: string };
    const bearer = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const v1 = (path: string, init: RequestInit = {}) => fetch(`${stack.baseUrl}${path}`, { ...init, headers: bearer });
    const answer = async (response: Response) => ({ status: response.status, error: await response.text(), retryAfter: response.headers.get("retry-after") });

    const late = new LoadClient(stack.baseUrl, `pg-late-${Date.now().toString(36)}@example.test`, "10.9.201.1");
    stopPostgres();
    let down: Record<string, { status: number; error: string | null; retryAfter: string | null }>;
    try {
      down = {
        "POST /api/register": await answer(await late.request("/api/register", { method: "POST", json: { email: late.email, password: PASSWORD } })),
        "POST /api/login": await answer(await user.request("/api/login", { method: "POST", json: { email: user.email, password: PASSWORD } })),
        "GET /api/sessions": await answer(await user.request("/api/sessions")),
        "POST /api/sessions": await answer(await user.request("/api/sessions", { method: "POST", json: {} })),
        "GET /api/models": await answer(await user.request("/api/models")),
        "POST /api/chat": await user.chat(session, "during the outage"),
        "PUT /api/ratings": await user.rate(answered.turnId!, 4),
        "GET /api/me/export": await answer(await user.request("/api/me/export")),
        "GET /api/admin/users": await answer(await admin.request("/api/admin/users")),
        "GET /api/admin/models": await answer(await admin.request("/api/admin/models")),
        "GET /api/admin/decisions/export": await answer(await admin.request("/api/admin/decisions/export")),
        "GET /v1/models": await answer(await v1("/v1/models")),
        "POST /v1/chat/completions": await answer(
          await v1("/v1/chat/completions", { method: "POST", body: JSON.stringify({ model: "auto", messages: [{ role: "user", content: "hi" }] }) }),
        ),
      };
      const ready = await fetch(`${stack.baseUrl}/api/ready`);
      expect({ status: ready.status, retryAfter: ready.headers.get("retry-after") }).toEqual({ status: 503, retryAfter: "5" });
      // The probe is public: it says the database is unreachable, never the driver's message (host, port, errno).
      const readyBody = await ready.text();
      expect(JSON.parse(readyBody)).toMatchObject({ ready: false, database: { status: "unreachable" } });
      expect(readyBody).not.toMatch(/ECONNREFUSED|5432|127\.0\.0\.1|connect|error/i);
      expect((await fetch(`${stack.baseUrl}/api/health`)).status).toBe(200);
    } finally {
      ensurePostgresRunning();
    }
    console.log(
      JSON.stringify({
        fault: "postgres down",
        answers: Object.fromEntries(Object.entries(down).map(([route, a]) => [route, `${a.status} Retry-After ${a.retryAfter}`])),
      }),
    );
    expect(Object.entries(down).filter(([, a]) => !isDatabaseUnavailableAnswer(a))).toEqual([]);
    expect(JSON.parse(down["GET /v1/models"].error!)).toMatchObject({ error: { type: "server_error", code: "service_unavailable" } });
    expect(unhandledErrors()).toEqual([]);

    const readyAfterMs = await waitUntilReady();
    const again = await user.chat(session, "after the outage");
    console.log(JSON.stringify({ fault: "postgres down", readyAfterMs, chatAfter: again.completed }));
    expect(again.completed).toBe(true);
    expect((await user.rate(again.turnId!, 5)).status).toBe(200);
    expect((await v1("/v1/models")).status).toBe(200);
    expect((await admin.request("/api/admin/users")).status).toBe(200);
    expect(await lostTurns(stack, [answered, again])).toEqual([]);
  });
});
