import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "./support/api-client";
import { countRows, queryRows } from "./support/db";

let alice: ApiClient;
let sessionId: string;

beforeAll(async () => {
  alice = await ApiClient.register("alice");
  sessionId = await alice.createSession();
});

async function expectRejected(send: () => Promise<{ status: number; body: string }>, status: number, message: RegExp) {
  const before = await countRows();
  const { status: actual, body } = await send();
  expect(actual).toBe(status);
  expect((JSON.parse(body) as { error: string }).error).toMatch(message);
  expect(await countRows()).toEqual(before);
}

const asText = async (r: Response) => ({ status: r.status, body: await r.text() });

describe("chat API", () => {
  it("streams a reply as UI message chunks that arrive over time and stores both turns", async () => {
    const response = await alice.request("/api/chat", {
      method: "POST",
      json: { trigger: "submit-message", chatSessionId: sessionId, text: "hello [demo:slow]" },
    });
    expect(response.status).toBe(200);
    const arrivals: number[] = [];
    let body = "";
    for await (const bytes of response.body!) {
      arrivals.push(performance.now());
      body += new TextDecoder().decode(bytes as Uint8Array);
    }
    const deltas = body.split("\n").filter((l) => l.includes('"type":"text-delta"'));
    expect(deltas.length).toBeGreaterThanOrEqual(2);
    expect(arrivals[arrivals.length - 1] - arrivals[0]).toBeGreaterThan(400);

    const [decision] = await queryRows<{ chosen_model_id: string; router_version: string; fallback: boolean }>(
      `SELECT chosen_model_id, router_version, fallback FROM routing_decisions d JOIN turns t ON t.id = d.turn_id WHERE t.chat_session_id = $1`,
      [sessionId],
    );
    expect(decision).toMatchObject({ fallback: false, router_version: expect.stringMatching(/^gmtrouter/) });
    const turns = await queryRows<{ role: string; status: string; model_id: string | null; completion_tokens: number | null }>(
      `SELECT role, status, model_id, completion_tokens FROM turns WHERE chat_session_id = $1 ORDER BY position`,
      [sessionId],
    );
    expect(turns).toEqual([
      { role: "user", status: "completed", model_id: null, completion_tokens: null },
      { role: "assistant", status: "completed", model_id: decision.chosen_model_id, completion_tokens: deltas.length },
    ]);
  });

  it("rejects bad chat input with 4xx and a message, writing nothing", async () => {
    await expectRejected(() => alice.chat(sessionId, "   "), 400, /must not be empty/);
    await expectRejected(() => alice.chat(sessionId, "x".repeat(16_001)), 400, /at most 16000 characters/);
    await expectRejected(() => alice.request("/api/chat", { method: "POST", body: "{not json" }).then(asText), 400, /not valid JSON/);
    await expectRejected(() => alice.chat(randomUUID(), "hello"), 404, /not found/);
    await expectRejected(() => alice.chat("not-a-uuid", "hello"), 400, /chatSessionId must be a UUID/);
    await expectRejected(() => alice.chat(sessionId, "hello", { modelId: "no-such-model" }), 400, /not available/);
    await expectRejected(
      () => alice.request("/api/chat", { method: "POST", json: { trigger: "explode", chatSessionId: sessionId } }).then(asText),
      400,
      /trigger/,
    );
  });

  it("rejects anonymous requests with 401", async () => {
    await expectRejected(() => ApiClient.anonymous().chat(sessionId, "hello"), 401, /Sign in/);
    const sessions = await ApiClient.anonymous().request("/api/sessions");
    expect(sessions.status).toBe(401);
  });

  it("keeps sessions private: another user can neither read, rename, delete nor post to them", async () => {
    const bob = await ApiClient.register("bob");
    await expectRejected(() => bob.request(`/api/sessions/${sessionId}`).then(asText), 404, /not found/);
    await expectRejected(() => bob.request(`/api/sessions/${sessionId}`, { method: "PATCH", json: { title: "mine" } }).then(asText), 404, /not found/);
    await expectRejected(() => bob.request(`/api/sessions/${sessionId}`, { method: "DELETE" }).then(asText), 404, /not found/);
    await expectRejected(() => bob.chat(sessionId, "hello"), 404, /not found/);
    const list = (await (await bob.request("/api/sessions")).json()) as { sessions: unknown[] };
    expect(list.sessions).toEqual([]);
  });

  it("renames and deletes the owner's session", async () => {
    const id = await alice.createSession();
    const renamed = await alice.request(`/api/sessions/${id}`, { method: "PATCH", json: { title: "Renamed" } });
    expect(((await renamed.json()) as { session: { title: string } }).session.title).toBe("Renamed");
    await expectRejected(() => alice.request(`/api/sessions/${id}`, { method: "PATCH", json: { title: "" } }).then(asText), 400, /must not be empty/);
    expect((await alice.request(`/api/sessions/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await alice.request(`/api/sessions/${id}`)).status).toBe(404);
  });

  it("stores a dropped stream as a failed turn with the partial answer", async () => {
    const id = await alice.createSession();
    const { status, body } = await alice.chat(id, "please answer [demo:drop]", { modelId: "demo-detailed" });
    expect(status).toBe(200);
    expect(body).toContain('"type":"error"');
    const [assistant] = await queryRows<{ status: string; content: string; error: string }>(
      `SELECT status, content, error FROM turns WHERE chat_session_id = $1 AND role = 'assistant'`,
      [id],
    );
    expect(assistant.status).toBe("failed");
    expect(assistant.content.length).toBeGreaterThan(0);
    expect(assistant.error).toMatch(/stream failed|could not be reached|terminated/);
  });

  it("fails a turn whose model sends nothing before the first-token timeout", async () => {
    const id = await alice.createSession();
    const { body } = await alice.chat(id, "are you there [demo:stall]");
    expect(body).toContain('"type":"error"');
    const [assistant] = await queryRows<{ status: string; error: string }>(
      `SELECT status, error FROM turns WHERE chat_session_id = $1 AND role = 'assistant'`,
      [id],
    );
    expect(assistant).toEqual({ status: "failed", error: "The model sent nothing within 3 s." });
  });
});

describe("auth API", () => {
  it("rejects duplicate registration, weak passwords, bad emails and wrong passwords with 4xx", async () => {
    const anon = ApiClient.anonymous();
    await expectRejected(
      () => anon.request("/api/register", { method: "POST", json: { email: alice.email, password: "another password" } }).then(asText),
      409,
      /already exists/,
    );
    await expectRejected(
      () => anon.request("/api/register", { method: "POST", json: { email: "new@example.test", password: "short" } }).then(asText),
      400,
      /at least 8/,
    );
    await expectRejected(
      () => anon.request("/api/register", { method: "POST", json: { email: "not-an-email", password: "long enough pw" } }).then(asText),
      400,
      /valid email/,
    );
    await expectRejected(() => anon.request("/api/register", { method: "POST", body: "[" }).then(asText), 400, /not valid JSON/);
    await expectRejected(
      () => anon.request("/api/login", { method: "POST", json: { email: alice.email, password: "wrong password" } }).then(asText),
      401,
      /Wrong email or password/,
    );
  });

  it("makes the first user admin and later users plain users", async () => {
    // Other files promote their own admins by SQL, so only the first account and a new one are checked.
    const [first] = await queryRows<{ role: string }>(`SELECT role FROM users ORDER BY created_at LIMIT 1`);
    expect(first.role).toBe("admin");
    const later = await ApiClient.register("later");
    expect(await queryRows(`SELECT role FROM users WHERE email = $1`, [later.email])).toEqual([{ role: "user" }]);
  });
});
