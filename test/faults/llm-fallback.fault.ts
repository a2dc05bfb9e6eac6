import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthPage } from "../e2e/pages/auth-page";
import { ChatPage } from "../e2e/pages/chat-page";
import { launchBrowser } from "../e2e/support/browser";
import type { LoadClient } from "../support/load-client";
import { PASSWORD, type Stack, startStack } from "../support/stack";
import { newClient, sql } from "./support";

let stack: Stack;
let client: LoadClient;
beforeAll(async () => {
  // The fault markers in the messages read like code to the catalog's hints; this file tests fallback, not routing,
  // so the population prior is off and a marked message goes where the same words without it went.
  stack = await startStack({ tag: "fault_fallback", env: { LLM_FIRST_TOKEN_TIMEOUT_MS: "1500", ROUTER_POPULATION_BETA: "0" } });
  client = await newClient(stack, "fallback");
});
afterAll(() => stack?.close());

type Fallback = { failed: { modelId: string; error: string; elapsedMs: number }[]; answeredBy: string };

async function stored(turnId: string | null) {
  const [row] = await sql<{
    status: string;
    content: string;
    error: string | null;
    model_id: string;
    chosen_model_id: string;
    fallback: boolean;
    llm_fallback: Fallback | null;
  }>(
    stack,
    `SELECT t.status, t.content, t.error, t.model_id, d.chosen_model_id, d.fallback, d.timings->'llmFallback' AS llm_fallback FROM turns t JOIN routing_decisions d ON d.turn_id = t.id WHERE t.id = $1`,
    [turnId],
  );
  return row;
}

describe("LLM fallback before the first token", () => {
  it("answers with the next-ranked model when the routed one errors, and records both", async () => {
    const session = await client.createSession();
    const first = await client.chat(session, "hello");
    const routedModel = first.modelId!;
    const result = await client.chat(session, `hello again [demo:fail@${routedModel}]`);
    expect(result.completed).toBe(true);
    expect(result.modelId).not.toBe(routedModel);
    const turn = await stored(result.turnId);
    expect(turn).toMatchObject({ status: "completed", model_id: result.modelId, chosen_model_id: routedModel });
    expect(turn.llm_fallback).toMatchObject({ answeredBy: result.modelId, failed: [{ modelId: routedModel, error: expect.stringMatching(/HTTP 500/) }] });
  });

  it("falls back when the routed model sends nothing within the first-token timeout", async () => {
    const session = await client.createSession();
    const routedModel = (await client.chat(session, "hi")).modelId!;
    const result = await client.chat(session, `are you there [demo:stall@${routedModel}]`);
    expect(result.completed).toBe(true);
    expect(result.ms).toBeGreaterThan(1_400);
    const turn = await stored(result.turnId);
    expect(turn.llm_fallback?.failed).toEqual([{ modelId: routedModel, error: "The model sent nothing within 1.5 s.", elapsedMs: expect.any(Number) }]);
  });

  it("keeps a model the user picked: its failure is the turn's failure", async () => {
    const session = await client.createSession();
    const result = await client.chat(session, "pick [demo:fail@demo-detailed]", { modelId: "demo-detailed" });
    expect(result.completed).toBe(false);
    expect(result.modelId).toBe("demo-detailed");
    expect(await stored(result.turnId)).toMatchObject({ status: "failed", llm_fallback: null, error: expect.stringMatching(/HTTP 500/) });
  });

  it("does not fall back after the first token: the partial answer is kept and marked failed", async () => {
    const session = await client.createSession();
    const result = await client.chat(session, "long please [demo:drop]", { modelId: "demo-detailed" });
    expect(result.completed).toBe(false);
    const turn = await stored(result.turnId);
    expect(turn.status).toBe("failed");
    expect(turn.content.length).toBeGreaterThan(0);
  });

  it("tells the user in the chat which model answered after which failed, live and after a reload", async () => {
    process.env.E2E_BASE_URL = stack.baseUrl;
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext()).newPage();
      await new AuthPage(page).register(`ui-${Date.now().toString(36)}@example.test`, PASSWORD);
      const chat = new ChatPage(page);
      // Two of the three models fail; the pair is chosen (with another fresh user, who is routed alike) so that the
      // router's pick is one of them, whatever model the shipped router prefers.
      const names: Record<string, string> = { "demo-concise": "Demo · Concise", "demo-detailed": "Demo · Detailed", "demo-coder": "Demo · Coder" };
      const models = Object.keys(names);
      const ask = (failing: string[]) => `tell me a story ${failing.map((m) => `[demo:fail@${m}]`).join(" ")}`;
      const probe = await newClient(stack, "fallback-probe");
      let survivor: string | undefined;
      for (const survivorCandidate of models) {
        const failing = models.filter((m) => m !== survivorCandidate);
        const probed = await probe.chat(await probe.createSession(), ask(failing));
        if (failing.includes((await stored(probed.turnId)).chosen_model_id)) {
          survivor = survivorCandidate;
          break;
        }
      }
      expect(survivor, "no failing pair holds the router's pick").toBeDefined();
      await chat.send(ask(models.filter((m) => m !== survivor)));
      await chat.waitForLastAssistant("completed", 1);
      const [turn] = await sql<{ failed: string[] }>(
        stack,
        `SELECT ARRAY(SELECT f->>'modelId' FROM jsonb_array_elements(d.timings->'llmFallback'->'failed') f) AS failed FROM routing_decisions d JOIN turns t ON t.id = d.turn_id WHERE t.chat_session_id = $1`,
        [await chat.sessionId()],
      );
      expect(turn.failed.length).toBeGreaterThan(0);
      // The models by their display names, as the chat names them everywhere; at most two: "a and b".
      const failed = new Intl.ListFormat("en", { type: "conjunction" }).format(turn.failed.map((id) => names[id]));
      const expected = `Answered by ${names[survivor!]} after ${failed} failed.`;
      expect(await chat.lastAssistant().getByTestId("message-fallback").textContent()).toBe(expected);
      await page.reload();
      await chat.waitForLastAssistant("completed", 1);
      expect(await chat.lastAssistant().getByTestId("message-fallback").textContent()).toBe(expected);
    } finally {
      await browser.close();
    }
  });

  it("fails the turn with the last model's error once every candidate has failed", async () => {
    const session = await client.createSession();
    const result = await client.chat(session, "everyone fails [demo:fail]");
    expect(result.completed).toBe(false);
    expect(result.error).toMatch(/HTTP 500/);
    const turn = await stored(result.turnId);
    const models = await sql<{ id: string }>(stack, `SELECT id FROM llm_models WHERE enabled`);
    expect(turn.status).toBe("failed");
    expect(turn.llm_fallback?.failed).toHaveLength(models.length - 1);
  });
});
