import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_SECRET, PASSWORD, type Stack, startStack } from "../support/stack";
import { newClient } from "./support";

let stack: Stack;
beforeAll(async () => {
  // A short first-token timeout, so the stalled turn below ends quickly.
  stack = await startStack({ tag: "fault_logs", env: { LLM_FIRST_TOKEN_TIMEOUT_MS: "1500" } });
});
afterAll(() => stack?.close());

describe("server logs", () => {
  it("never contain AUTH_SECRET or a password, whatever the requests did", async () => {
    const wrong = "wrong-password-9f8e7d6c";
    const client = await newClient(stack, "logs");
    const session = await client.createSession();
    await client.chat(session, "hello");
    await client.chat(session, "fail please [demo:fail]");
    await client.chat(session, "stall please [demo:stall]");
    await client.request("/api/login", { method: "POST", json: { email: client.email, password: wrong } });
    await client.request("/api/login", { method: "POST", json: { email: "nobody@example.test", password: wrong } });
    await client.request("/api/register", { method: "POST", json: { email: client.email, password: PASSWORD } });
    await client.request("/api/register", { method: "POST", json: { email: "short@example.test", password: "short" } });
    await fetch(`${stack.baseUrl}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"email":"${client.email}","password":"${wrong}"`,
    });
    await fetch(`${stack.baseUrl}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `email=${encodeURIComponent(client.email)}&password=${wrong}`,
    });
    await new Promise((r) => setTimeout(r, 500));

    const logs = stack.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [AUTH_SECRET, PASSWORD, wrong]) expect(logs.includes(secret), `logs contain ${secret.slice(0, 4)}…`).toBe(false);
  });
});
