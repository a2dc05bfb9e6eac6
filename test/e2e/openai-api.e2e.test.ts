import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "./pages/auth-page";
import { ApiClient } from "./support/api-client";
import { baseUrl, launchBrowser } from "./support/browser";
import { countRows, queryRows } from "./support/db";

const DEMO_MODELS = ["demo-concise", "demo-detailed", "demo-coder"];

let owner: ApiClient;
let apiKey: string;
let client: OpenAI;

async function createKey(user: ApiClient, name: string): Promise<{ key: string; id: string }> {
  const response = await user.request("/api/api-keys", { method: "POST", json: { name } });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { key: string; apiKey: { id: string; prefix: string } };
  expect(body.key).toMatch(/^sk-sb-[A-Za-z0-9_-]{43}$/);
  expect(body.key.startsWith(body.apiKey.prefix)).toBe(true);
  return { key: body.key, id: body.apiKey.id };
}

function openai(key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${baseUrl()}/v1`, maxRetries: 0 });
}

type StoredAnswer = {
  status: string;
  model_id: string;
  content: string;
  user_id: string;
  chat_session_id: string;
  chosen_model_id: string;
  override: boolean;
  router_version: string;
};

async function storedAnswer(turnId: string): Promise<StoredAnswer> {
  const rows = await queryRows<StoredAnswer>(
    `SELECT t.status, t.model_id, t.content, t.user_id, t.chat_session_id, d.chosen_model_id, d.override, d.router_version
       FROM turns t JOIN routing_decisions d ON d.turn_id = t.id WHERE t.id = $1`,
    [turnId],
  );
  expect(rows).toHaveLength(1);
  return rows[0];
}

async function userIdOf(email: string): Promise<string> {
  return (await queryRows<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [email]))[0].id;
}

beforeAll(async () => {
  owner = await ApiClient.register("api-key-owner");
  apiKey = (await createKey(owner, "e2e")).key;
  client = openai(apiKey);
});

describe("OpenAI-compatible API with the official client", () => {
  it("lists auto and the enabled models", async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids[0]).toBe("auto");
    expect(ids.slice(1).sort()).toEqual([...DEMO_MODELS].sort());
  });

  it("answers a non-streaming auto call with the routed model and records turn and decision", async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: "auto",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "What is the capital of France?" },
        ],
      })
      .withResponse();
    expect(DEMO_MODELS).toContain(data.model);
    expect(data.object).toBe("chat.completion");
    expect(data.choices[0].finish_reason).toBe("stop");
    const content = data.choices[0].message.content ?? "";
    expect(content.length).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBeGreaterThan(0);

    const turnId = response.headers.get("x-switchboard-turn-id")!;
    expect(data.id).toBe(`chatcmpl-${turnId}`);
    expect((data as unknown as { switchboard: { turn_id: string } }).switchboard.turn_id).toBe(turnId);
    const stored = await storedAnswer(turnId);
    expect(stored).toMatchObject({
      status: "completed",
      model_id: data.model,
      chosen_model_id: data.model,
      content,
      override: false,
      user_id: await userIdOf(owner.email),
    });
    expect(stored.chat_session_id).toBe(response.headers.get("x-switchboard-chat-session-id"));
    const userTurns = await queryRows<{ content: string }>(`SELECT content FROM turns WHERE chat_session_id = $1 AND role = 'user'`, [stored.chat_session_id]);
    expect(userTurns).toEqual([{ content: "What is the capital of France?" }]);
  });

  it("streams an auto call in OpenAI's chunk format, every chunk naming the routed model", async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: "auto", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Explain recursion step by step" }] })
      .withResponse();
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const turnId = response.headers.get("x-switchboard-turn-id")!;
    const models = new Set<string>();
    let text = "";
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      models.add(chunk.model);
      expect(chunk.id).toBe(`chatcmpl-${turnId}`);
      expect(chunk.object).toBe("chat.completion.chunk");
      text += chunk.choices[0]?.delta.content ?? "";
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(models.size).toBe(1);
    const [model] = models;
    expect(DEMO_MODELS).toContain(model);
    expect(finishReason).toBe("stop");
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(await storedAnswer(turnId)).toMatchObject({ status: "completed", model_id: model, chosen_model_id: model, content: text, override: false });
  });

  it("sends a concrete model id past the router and records the override", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "demo-coder", messages: [{ role: "user", content: "Write a hello world in C" }] })
      .withResponse();
    expect(data.model).toBe("demo-coder");
    expect(await storedAnswer(response.headers.get("x-switchboard-turn-id")!)).toMatchObject({
      model_id: "demo-coder",
      chosen_model_id: "demo-coder",
      override: true,
    });
  });

  it("groups calls into one chat session when the client names it", async () => {
    const first = await client.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "first" }] }).withResponse();
    const sessionId = first.response.headers.get("x-switchboard-chat-session-id")!;
    const second = await client.chat.completions
      .create(
        {
          model: "auto",
          messages: [
            { role: "user", content: "first" },
            { role: "assistant", content: first.data.choices[0].message.content ?? "" },
            { role: "user", content: "second" },
          ],
        },
        { headers: { "x-switchboard-chat-session-id": sessionId } },
      )
      .withResponse();
    expect(second.response.headers.get("x-switchboard-chat-session-id")).toBe(sessionId);
    const turns = await queryRows<{ role: string; content: string }>(`SELECT role, content FROM turns WHERE chat_session_id = $1 ORDER BY position`, [
      sessionId,
    ]);
    expect(turns.map((t) => t.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(turns[2].content).toBe("second");

    const stranger = await ApiClient.register("api-stranger");
    const strangerClient = openai((await createKey(stranger, "other")).key);
    const before = await countRows();
    await expect(
      strangerClient.chat.completions.create(
        { model: "auto", messages: [{ role: "user", content: "hi" }] },
        { headers: { "x-switchboard-chat-session-id": sessionId } },
      ),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(await countRows()).toEqual(before);
  });

  it("answers bad requests with OpenAI's error shape and stores nothing", async () => {
    const before = await countRows();
    const unknown = await client.chat.completions.create({ model: "gpt-nonexistent", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect((unknown as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
    const empty = await client.chat.completions.create({ model: "auto", messages: [] }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    expect((empty as InstanceType<typeof OpenAI.BadRequestError>).type).toBe("invalid_request_error");
    const lastNotUser = await client.chat.completions.create({ model: "auto", messages: [{ role: "assistant", content: "hi" }] }).catch((e: unknown) => e);
    expect(lastNotUser).toBeInstanceOf(OpenAI.BadRequestError);
    const raw = await fetch(`${baseUrl()}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: "{not json",
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ error: { message: "Request body is not valid JSON.", type: "invalid_request_error", param: null, code: null } });
    expect(await countRows()).toEqual(before);
  });

  it("reports a failing upstream model as 502 and stores the turn as failed", async () => {
    const failed = await client.chat.completions
      .create({ model: "demo-concise", messages: [{ role: "user", content: "hi [demo:fail]" }] })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(OpenAI.APIError);
    const error = failed as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(502);
    const turnId = error.headers?.get("x-switchboard-turn-id");
    expect(turnId).toBeTruthy();
    expect((await storedAnswer(turnId!)).status).toBe("failed");
  });

  it("fails a streaming call whose model sends nothing before the first-token timeout with 502", async () => {
    const stalled = await client.chat.completions
      .create({ model: "demo-concise", stream: true, messages: [{ role: "user", content: "hi [demo:stall]" }] })
      .catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(OpenAI.APIError);
    const error = stalled as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/sent nothing within 3 s/);
    const [turn] = await queryRows<{ status: string; error: string }>(`SELECT status, error FROM turns WHERE id = $1`, [
      error.headers?.get("x-switchboard-turn-id"),
    ]);
    expect(turn).toEqual({ status: "failed", error: "The model sent nothing within 3 s." });
  });

  it("hands an auto call to the next-ranked model when the routed one fails before its first token, and records both", async () => {
    // A fresh user without history routes deterministically. Two of the three demo models fail this question; the
    // pair is chosen so that the router's pick is one of them, whichever model the shipped router prefers.
    const fresh = openai((await createKey(await ApiClient.register("api-fallback"), "fallback")).key);
    const models = ["demo-concise", "demo-detailed", "demo-coder"];
    const pairs = [
      [0, 1],
      [0, 2],
      [1, 2],
    ].map(([a, b]) => ({ failing: [models[a], models[b]], survivor: models[3 - a - b] }));
    const ask = (failing: string[]) => `Tell me a short story about a lighthouse ${failing.map((m) => `[demo:fail@${m}]`).join(" ")}`;
    let setup: (typeof pairs)[number] | undefined;
    for (const pair of pairs) {
      const { response } = await fresh.chat.completions.create({ model: "auto", messages: [{ role: "user", content: ask(pair.failing) }] }).withResponse();
      const chosen = (await storedAnswer(response.headers.get("x-switchboard-turn-id")!)).chosen_model_id;
      if (pair.failing.includes(chosen)) {
        setup = pair;
        break;
      }
    }
    expect(setup, "no failing pair holds the router's pick").toBeDefined();
    const { failing, survivor } = setup!;
    const question = ask(failing);
    for (const stream of [false, true]) {
      const { data, response } = await fresh.chat.completions.create({ model: "auto", stream, messages: [{ role: "user", content: question }] }).withResponse();
      let content = "";
      if (stream) for await (const chunk of data as AsyncIterable<OpenAI.ChatCompletionChunk>) content += chunk.choices[0]?.delta.content ?? "";
      else content = (data as OpenAI.ChatCompletion).choices[0].message.content ?? "";
      expect(response.headers.get("x-switchboard-model")).toBe(survivor);
      const turnId = response.headers.get("x-switchboard-turn-id")!;
      const stored = await storedAnswer(turnId);
      // The router's pick must be one of the failing models, or this test would not exercise the fallback.
      expect(stored).toMatchObject({
        status: "completed",
        model_id: survivor,
        content,
        chosen_model_id: expect.stringMatching(new RegExp(`^(${failing.join("|")})$`)),
      });
      const [{ fallback }] = await queryRows<{ fallback: { answeredBy: string; failed: { modelId: string; error: string }[] } }>(
        `SELECT timings->'llmFallback' AS fallback FROM routing_decisions WHERE turn_id = $1`,
        [turnId],
      );
      expect(fallback.answeredBy).toBe(survivor);
      expect(fallback.failed[0]).toMatchObject({ modelId: stored.chosen_model_id, error: expect.stringMatching(/HTTP 500/) });
    }
  });

  it("rejects missing, malformed and revoked keys with 401", async () => {
    const noKey = await fetch(`${baseUrl()}/v1/models`);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
    await expect(openai("sk-sb-not-a-real-key").models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const user = await ApiClient.register("api-revoke");
    const { key, id } = await createKey(user, "to revoke");
    const revokable = openai(key);
    await expect(revokable.models.list()).resolves.toBeDefined();
    const listed = (await (await user.request("/api/api-keys")).json()) as { apiKeys: { id: string; lastUsedAt: string | null }[] };
    expect(listed.apiKeys.find((k) => k.id === id)?.lastUsedAt).not.toBeNull();

    expect((await user.request(`/api/api-keys/${id}`, { method: "DELETE" })).status).toBe(204);
    const before = await countRows();
    await expect(revokable.chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi" }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    await expect(revokable.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(await countRows()).toEqual(before);
    const keyRow = await queryRows<{ revoked_at: Date | null; key_hash: string }>(`SELECT revoked_at, key_hash FROM api_keys WHERE id = $1`, [id]);
    expect(keyRow[0].revoked_at).not.toBeNull();
    expect(keyRow[0].key_hash).not.toContain(key.slice(6));
  });

  it("keeps API keys private to their owner", async () => {
    const { id } = await createKey(owner, "private");
    const other = await ApiClient.register("api-other");
    expect((await other.request(`/api/api-keys/${id}`, { method: "DELETE" })).status).toBe(404);
    const listed = (await (await other.request("/api/api-keys")).json()) as { apiKeys: unknown[] };
    expect(listed.apiKeys).toEqual([]);
    expect((await ApiClient.anonymous().request("/api/api-keys")).status).toBe(401);
  });
});

/** The settings page's API key controls, reached through the sidebar. */
class SettingsPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.getByTestId("settings-link").click();
    await this.page.waitForURL(`${baseUrl()}/settings`);
  }

  async createKey(name: string): Promise<string> {
    await this.page.getByTestId("api-key-name").fill(name);
    await this.page.getByTestId("api-key-create").click();
    return (await this.page.getByTestId("api-key-secret").textContent()) ?? "";
  }

  row(name: string) {
    return this.page.getByTestId("api-key-row").filter({ hasText: name });
  }

  async revoke(name: string) {
    await this.row(name).getByTestId("api-key-revoke").click();
    await this.page.getByTestId("api-key-revoke-confirm").click();
    await this.row(name).and(this.page.locator('[data-revoked="true"]')).waitFor();
  }
}

describe("API keys in the settings page", () => {
  const browserReady = launchBrowser();
  afterAll(async () => (await browserReady).close());

  it("creates a key shown once, which works with the openai client until it is revoked", async () => {
    const page = await (await (await browserReady).newContext()).newPage();
    await new AuthPage(page).register(`settings-${randomBytes(4).toString("hex")}@example.test`, "correct horse battery");
    const settings = new SettingsPage(page);
    await settings.open();

    const key = await settings.createKey("notebook");
    expect(key).toMatch(/^sk-sb-/);
    expect(await settings.row("notebook").textContent()).toContain(key.slice(0, 12));
    expect(await settings.row("notebook").textContent()).not.toContain(key);
    const { data } = await openai(key)
      .chat.completions.create({ model: "auto", messages: [{ role: "user", content: "hi from the settings test" }] })
      .withResponse();
    expect(DEMO_MODELS).toContain(data.model);

    await page.reload();
    expect(await page.getByTestId("api-key-secret").count()).toBe(0);
    await settings.revoke("notebook");
    await expect(openai(key).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("on a phone a long key name wraps inside the screen, and revoking asks in the app first", async () => {
    const page = await (await (await browserReady).newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await new AuthPage(page).register(`settings-phone-${randomBytes(4).toString("hex")}@example.test`, "correct horse battery");
    await page.goto(`${baseUrl()}/settings`);
    const settings = new SettingsPage(page);
    const name = "k".repeat(80);
    await settings.createKey(name);
    const [table, section] = await Promise.all([page.getByTestId("api-key-list").boundingBox(), page.getByTestId("api-keys").boundingBox()]);
    expect(table!.width).toBeLessThanOrEqual(section!.width + 0.5);

    await settings.row(name).getByTestId("api-key-revoke").click();
    await page.getByTestId("api-key-revoke-dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("api-key-revoke-dialog").waitFor({ state: "detached" });
    expect(await settings.row(name).getAttribute("data-revoked")).toBe("false");
    await settings.revoke(name);
  });
});
