import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadClient } from "../support/load-client";
import { PASSWORD, type Stack, startStack } from "../support/stack";
import { newClient, sql } from "./support";

/** Abuse limits through the real app, with limits set low through the environment. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    tag: "abuse",
    env: {
      RATE_LIMIT_LOGIN_PER_ACCOUNT: "3",
      RATE_LIMIT_LOGIN_PER_IP: "5",
      RATE_LIMIT_REGISTER_PER_IP: "3",
      RATE_LIMIT_CHAT_PER_USER: "4",
      RATE_LIMIT_SESSIONS_PER_USER: "3",
      MAX_SESSION_TURNS: "4",
      // Windows are fixed and aligned to the epoch: an hour keeps a test's few seconds of hits inside one window,
      // where the default minute could reset a count between two turns on a slow machine.
      RATE_LIMIT_WINDOW_SECONDS: "3600",
    },
  });
});
afterAll(() => stack?.close());

const countTurns = async () => Number((await sql<{ n: string }>(stack, "SELECT count(*) AS n FROM turns"))[0].n);

async function expect429(response: Response) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(((await response.json()) as { error: string }).error).toMatch(/Too many requests/);
}

describe("rate limits", () => {
  it("limits login attempts per account and IP, even with the right password once over, without locking the owner out", async () => {
    const victim = await newClient(stack, "victim");
    const attacker = new LoadClient(stack.baseUrl, victim.email, "10.1.0.1");
    for (let i = 0; i < 3; i++)
      expect((await attacker.request("/api/login", { method: "POST", json: { email: victim.email, password: `guess-${i}` } })).status).toBe(401);
    await expect429(await attacker.request("/api/login", { method: "POST", json: { email: victim.email, password: PASSWORD } }));
    // Strangers rotating addresses spend their own budgets: the owner, from theirs, still signs in.
    for (let i = 0; i < 6; i++) {
      const rotating = new LoadClient(stack.baseUrl, victim.email, `10.1.1.${i}`);
      expect((await rotating.request("/api/login", { method: "POST", json: { email: victim.email, password: `guess-${i}` } })).status).toBe(401);
    }
    expect(
      (
        await new LoadClient(stack.baseUrl, victim.email, "10.1.0.99").request("/api/login", {
          method: "POST",
          json: { email: victim.email, password: PASSWORD },
        })
      ).status,
    ).toBe(200);
  });

  it("limits login attempts per IP across accounts", async () => {
    const attacker = new LoadClient(stack.baseUrl, "", "10.2.0.1");
    for (let i = 0; i < 5; i++)
      expect((await attacker.request("/api/login", { method: "POST", json: { email: `someone-${i}@example.test`, password: "guess" } })).status).toBe(401);
    await expect429(await attacker.request("/api/login", { method: "POST", json: { email: "someone-else@example.test", password: "guess" } }));
  });

  it("limits registrations per IP, creating no user once over", async () => {
    for (let i = 0; i < 3; i++) await new LoadClient(stack.baseUrl, `reg-${i}-${Date.now()}@example.test`, "10.3.0.1").register(PASSWORD);
    const users = await sql(stack, "SELECT id FROM users");
    await expect429(
      await new LoadClient(stack.baseUrl, "", "10.3.0.1").request("/api/register", {
        method: "POST",
        json: { email: `reg-x-${Date.now()}@example.test`, password: PASSWORD },
      }),
    );
    expect(await sql(stack, "SELECT id FROM users")).toHaveLength(users.length);
  });

  it("counts a registration refused for its weak password, which costs the server a strength check", async () => {
    const client = new LoadClient(stack.baseUrl, "", "10.3.0.2");
    const weak = () => client.request("/api/register", { method: "POST", json: { email: `weak-${Date.now()}@example.test`, password: "p4$$w0rd".repeat(9) } });
    for (let i = 0; i < 3; i++) expect((await weak()).status).toBe(400);
    await expect429(await weak());
  });

  it("limits chat turns per user, writing nothing once over", async () => {
    const client = await newClient(stack, "chatty");
    const sessions = await Promise.all([client.createSession(), client.createSession()]);
    for (let i = 0; i < 4; i++) expect((await client.chat(sessions[i % 2], `turn ${i}`)).completed).toBe(true);
    const before = await countTurns();
    const over = await client.request("/api/chat", { method: "POST", json: { trigger: "submit-message", chatSessionId: sessions[0], text: "one more" } });
    await expect429(over);
    expect(await countTurns()).toBe(before);
  });
});

describe("compare mode and new sessions", () => {
  it("counts comparisons against the chat limit, storing nothing once over", async () => {
    const client = await newClient(stack, "comparer");
    // Sessions hold 4 turns here (MAX_SESSION_TURNS), and a comparison takes a session's room for three.
    const [a, b, c] = [await client.createSession(), await client.createSession(), await client.createSession()];
    for (const session of [a, b])
      expect((await client.request("/api/compare", { method: "POST", json: { chatSessionId: session, text: "compare" } })).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await client.chat(c, `turn ${i}`)).completed).toBe(true);
    const session = a;
    const before = await countTurns();
    await expect429(await client.request("/api/compare", { method: "POST", json: { chatSessionId: session, text: "one more" } }));
    await expect429(await client.request("/api/chat", { method: "POST", json: { trigger: "submit-message", chatSessionId: session, text: "and a chat" } }));
    expect(await countTurns()).toBe(before);
  });

  it("limits new chat sessions per user, creating none once over", async () => {
    const client = await newClient(stack, "sessions");
    for (let i = 0; i < 3; i++) await client.createSession();
    const count = async () => (await sql(stack, "SELECT id FROM chat_sessions")).length;
    const before = await count();
    await expect429(await client.request("/api/sessions", { method: "POST", json: {} }));
    expect(await count()).toBe(before);
  });
});

describe("session size", () => {
  it("refuses a turn past MAX_SESSION_TURNS with 409 and a message, writing nothing", async () => {
    const client = await newClient(stack, "long");
    const session = await client.createSession();
    for (let i = 0; i < 2; i++) expect((await client.chat(session, `turn ${i}`)).completed).toBe(true);
    const before = await countTurns();
    const full = await client.chat(session, "a third turn");
    expect(full.status).toBe(409);
    expect((JSON.parse(full.error!) as { error: string }).error).toMatch(/limit of 4 messages/);
    expect(await countTurns()).toBe(before);
  });
});

describe("CSRF and headers", () => {
  // The session cookie is sent as a browser would if SameSite did not already stop it: the Origin check alone refuses.
  it("refuses a state-changing request from another site with 403 and accepts the same origin", async () => {
    const client = await newClient(stack, "csrf");
    const sessions = await sql(stack, "SELECT id FROM chat_sessions");
    const cross = await fetch(`${stack.baseUrl}/api/sessions`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json", cookie: client.cookieHeader() },
      body: "{}",
    });
    expect(cross.status).toBe(403);
    expect(((await cross.json()) as { error: string }).error).toMatch(/Cross-site/);
    expect(await sql(stack, "SELECT id FROM chat_sessions")).toHaveLength(sessions.length);
    const same = await fetch(`${stack.baseUrl}/api/sessions`, {
      method: "POST",
      headers: { origin: stack.baseUrl, "content-type": "application/json", cookie: client.cookieHeader() },
      body: "{}",
    });
    expect(same.status).toBe(201);
  });

  it("sends the security headers on pages and APIs, and HSTS only behind https", async () => {
    for (const path of ["/login", "/api/health"]) {
      const response = await fetch(`${stack.baseUrl}${path}`);
      expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("permissions-policy")).toMatch(/camera=\(\)/);
      expect(response.headers.get("strict-transport-security")).toBeNull();
    }
    const https = await fetch(`${stack.baseUrl}/login`, { headers: { "x-forwarded-proto": "https" } });
    expect(https.headers.get("strict-transport-security")).toMatch(/max-age=31536000/);
  });
});
