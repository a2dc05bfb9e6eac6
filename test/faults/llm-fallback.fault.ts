import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadClient } from "../../bench/load/client";
import { startStack, type Stack } from "../../bench/load/stack";
import { newClient, sql } from "./support";

let stack: Stack;
let client: LoadClient;
beforeAll(async () => {
  stack = await startStack({ tag: "fault_fallback", env: { LLM_FIRST_TOKEN_TIMEOUT_MS: "1500" } });
  client = await newClient(stack, "fallback");
});
afterAll(() => stack?.close());

type Fallback = { failed: { modelId: string; error: string; elapsedMs: number }[]; answeredBy: string };

async function stored(turnId: string | null) {
  const [row] = await sql<{ status: string; content: string; error: string | null; model_id: string; chosen_model_id: string; fallback: boolean; llm_fallback: Fallback | null }>(
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
