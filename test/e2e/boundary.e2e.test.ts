import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "./support/api-client";
import { queryRows } from "./support/db";

/**
 * What the review found at the HTTP boundary, against the production build:
 * NUL bytes, dates that are none, model wiring that reaches for host secrets,
 * unbounded /v1 bodies, and provider error text reaching users. Each bad
 * request is a 4xx naming the field, and writes nothing.
 */
let user: ApiClient;
let admin: ApiClient;
let apiKey: string;
let session: string;

async function counts(): Promise<Record<string, number>> {
  const [row] = await queryRows<Record<string, string>>(
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM chat_sessions) AS sessions, (SELECT count(*) FROM turns) AS turns, (SELECT count(*) FROM ratings) AS ratings, (SELECT count(*) FROM api_keys) AS keys, (SELECT count(*) FROM llm_models) AS models`,
  );
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json()) as { error: string | { message: string } };
  return typeof body.error === "string" ? body.error : body.error.message;
}

beforeAll(async () => {
  user = await ApiClient.register("boundary");
  admin = await ApiClient.register("boundary-admin");
  await queryRows(`UPDATE users SET role = 'admin' WHERE email = $1`, [admin.email]);
  apiKey = ((await (await user.request("/api/api-keys", { method: "POST", json: { name: "boundary" } })).json()) as { key: string }).key;
  session = await user.createSession();
});

const v1 = (body: unknown) =>
  user.request("/v1/chat/completions", { method: "POST", body: JSON.stringify(body), headers: { authorization: `Bearer ${apiKey}` } });

describe("NUL bytes", () => {
  it("are a 400 naming the field on every route that stores text, and nothing is written", async () => {
    const model = {
      id: `nul-${randomBytes(3).toString("hex")}`,
      displayName: "N",
      baseUrl: "http://127.0.0.1:9/v1",
      providerModelId: "n",
      description: "x\u0000y",
      inputPricePerM: 0,
      outputPricePerM: 0,
    };
    const cases: [string, () => Promise<Response>, RegExp][] = [
      [
        "register password",
        () =>
          ApiClient.anonymous().request("/api/register", {
            method: "POST",
            json: { email: `nul-${randomBytes(3).toString("hex")}@example.test`, password: "correct horse\u0000battery" },
          }),
        /password/,
      ],
      [
        "register name",
        () =>
          ApiClient.anonymous().request("/api/register", {
            method: "POST",
            json: { email: `nul-${randomBytes(3).toString("hex")}@example.test`, password: "correct horse battery", name: "a\u0000" },
          }),
        /name/,
      ],
      ["login email", () => ApiClient.anonymous().request("/api/login", { method: "POST", json: { email: "a\u0000@example.test", password: "x" } }), /email/],
      ["session title", () => user.request("/api/sessions", { method: "POST", json: { title: "a\u0000b" } }), /title/],
      ["rename", () => user.request(`/api/sessions/${session}`, { method: "PATCH", json: { title: "a\u0000b" } }), /title/],
      ["api key name", () => user.request("/api/api-keys", { method: "POST", json: { name: "k\u0000" } }), /name/],
      ["rating comment", () => user.request("/api/ratings", { method: "PUT", json: { turnId: crypto.randomUUID(), stars: 3, comment: "x\u0000" } }), /comment/],
      [
        "chat text",
        () => user.request("/api/chat", { method: "POST", json: { trigger: "submit-message", chatSessionId: session, text: "hi\u0000there" } }),
        /text/,
      ],
      ["compare text", () => user.request("/api/compare", { method: "POST", json: { chatSessionId: session, text: "hi\u0000there" } }), /text/],
      ["/v1 message", () => v1({ model: "auto", messages: [{ role: "user", content: "hi\u0000there" }] }), /messages\.0\.content/],
      ["admin model", () => admin.request("/api/admin/models", { method: "POST", json: model }), /description/],
    ];
    const before = await counts();
    for (const [name, send, field] of cases) {
      const response = await send();
      expect(response.status, name).toBe(400);
      const error = await errorOf(response);
      expect(error, name).toMatch(/NUL/);
      expect(error, name).toMatch(field);
    }
    expect(await counts()).toEqual(before);
  });

  it("in admin filters is ignored like any bad filter value, never a 500", async () => {
    for (const path of ["/api/admin/decisions/export?user=a%00b", "/api/admin/users?q=%00", "/admin/decisions?user=a%00b&model=%00", "/admin/users?q=%00"]) {
      expect((await admin.request(path)).status, path).toBe(200);
    }
  });
});

describe("dates that are none", () => {
  it("are a 400 naming the parameter on the decision export, and ignored on the page", async () => {
    for (const q of ["from=2026-13-45", "to=2026-02-30", "from=0000-00-00"]) {
      const response = await admin.request(`/api/admin/decisions/export?${q}`);
      expect(response.status, q).toBe(400);
      expect(await errorOf(response)).toMatch(new RegExp(`^${q.split("=")[0]}: .*calendar date`));
      expect((await admin.request(`/admin/decisions?${q}`)).status, q).toBe(200);
    }
    expect((await admin.request("/api/admin/decisions/export?from=2026-02-28&to=2028-02-29")).status).toBe(200);
  });
});

describe("model wiring", () => {
  const model = (over: Record<string, unknown>) => ({
    id: `wire-${randomBytes(3).toString("hex")}`,
    displayName: "W",
    baseUrl: "http://127.0.0.1:9/v1",
    providerModelId: "w",
    description: "a model",
    inputPricePerM: 0,
    outputPricePerM: 0,
    ...over,
  });

  it("refuses an apiKeyEnv that is not an *_API_KEY variable or names the app's secrets, and a base URL that is not http(s)", async () => {
    const before = await counts();
    for (const apiKeyEnv of ["AUTH_SECRET", "DATABASE_URL", "AUTH_GITHUB_SECRET", "AUTH_X_API_KEY", "DATABASE_API_KEY", "HOME", "PATH"]) {
      const response = await admin.request("/api/admin/models", { method: "POST", json: model({ apiKeyEnv }) });
      expect(response.status, apiKeyEnv).toBe(400);
      expect(await errorOf(response)).toMatch(/apiKeyEnv/);
    }
    for (const baseUrl of ["file:///etc/passwd", "gopher://127.0.0.1:5432/", "ftp://example.com/", "http://user:pass@example.com/v1", "not a url"]) {
      const response = await admin.request("/api/admin/models", { method: "POST", json: model({ baseUrl }) });
      expect(response.status, baseUrl).toBe(400);
      expect(await errorOf(response)).toMatch(/baseUrl/);
    }
    const [existing] = await queryRows<{ id: string }>(`SELECT id FROM llm_models ORDER BY id LIMIT 1`);
    expect((await admin.request(`/api/admin/models/${existing.id}`, { method: "PATCH", json: { apiKeyEnv: "AUTH_SECRET" } })).status).toBe(400);
    expect(await counts()).toEqual(before);
    const ok = await admin.request("/api/admin/models", {
      method: "POST",
      json: model({ apiKeyEnv: "OLLAMA_API_KEY", baseUrl: "https://llm.internal:8443/v1", enabled: false }),
    });
    expect(ok.status).toBe(201);
  });
});

describe("/v1/chat/completions bounds", () => {
  it("refuses too many messages, too much text in all, absurd max_tokens and deep JSON with 400 (or 413 past the body cap), storing nothing", async () => {
    const before = await counts();
    const cases: [unknown, number, RegExp][] = [
      [{ model: "auto", messages: Array.from({ length: 201 }, () => say("hi")) }, 400, /messages must be at most 200/],
      [{ model: "auto", messages: [...Array.from({ length: 30 }, () => say("x".repeat(9_000))), say("hi")] }, 400, /at most 200000 characters in all/],
      [{ model: "auto", messages: [say("hi")], max_tokens: 1e15 }, 400, /max_tokens/],
      [{ model: "auto", messages: [say("hi")], max_completion_tokens: 10_000_000 }, 400, /max_completion_tokens/],
      [{ model: "auto", messages: [say("hi")], metadata: JSON.parse("[".repeat(1_000) + "]".repeat(1_000)) }, 400, /nested deeper than 64/],
      [{ model: "auto", messages: Array.from({ length: 150 }, () => say("x".repeat(8_000))) }, 413, /larger than 1000000 bytes/],
    ];
    for (const [body, status, message] of cases) {
      const response = await v1(body);
      expect(response.status).toBe(status);
      expect(await errorOf(response)).toMatch(message);
    }
    expect(await counts()).toEqual(before);
  });

  it("a 1.5M-deep array is refused from its declared size, without blocking the server", async () => {
    const deep = `{"model":"auto","messages":[{"role":"user","content":"hi"}],"x":${"[".repeat(1_500_000)}${"]".repeat(1_500_000)}}`;
    const started = performance.now();
    const pending = user.request("/v1/chat/completions", { method: "POST", body: deep, headers: { authorization: `Bearer ${apiKey}` } });
    const response = await pending;
    expect(response.status).toBe(413);
    const health = performance.now();
    expect((await fetch(`${process.env.E2E_BASE_URL}/api/health`)).status).toBe(200);
    console.log(`1.5M-deep body refused in ${(health - started).toFixed(0)} ms; health answered ${(performance.now() - health).toFixed(0)} ms later`);
  });
});

describe("upstream model errors", () => {
  it("reach the user and the stored turn as status and kind only, without the provider's text or the endpoint's address", async () => {
    const response = await v1({ model: "demo-concise", messages: [say("hello [demo:fail]")] });
    expect(response.status).toBeGreaterThanOrEqual(500);
    const text = await response.text();
    expect(text).toMatch(/HTTP 500/);
    expect(text).not.toMatch(/demo model failure|127\.0\.0\.1|localhost|:\d{4,5}/);
    const turnId = response.headers.get("x-switchboard-turn-id");
    const [turn] = await queryRows<{ error: string }>(`SELECT error FROM turns WHERE id = $1`, [turnId]);
    expect(turn.error).toBe("The model endpoint answered HTTP 500.");
  });
});

function say(content: string) {
  return { role: "user", content };
}
