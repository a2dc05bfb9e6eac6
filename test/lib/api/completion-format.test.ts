import { describe, expect, it } from "vitest";
import { completionBody, SSE_DONE, sseChunk, sseError, sseUsageChunk, toSwitchboardInfo } from "@/lib/api/completion-format";

const identity = { id: "chatcmpl-t1", created: 1_800_000_000, model: "demo-coder" };
const decision = {
  chosenModelId: "demo-coder",
  routerVersion: "v1",
  executionProvider: "cpu",
  candidates: [],
  confidence: 0.8,
  ratingsUsed: 3,
  coldStart: false,
  override: false,
  fallback: false,
  basis: "router" as const,
  timings: {},
  totalMs: 4,
};
const switchboard = toSwitchboardInfo({ turnId: "t1", chatSessionId: "s1", decision });

function parse(line: string): unknown {
  expect(line.startsWith("data: ")).toBe(true);
  expect(line.endsWith("\n\n")).toBe(true);
  return JSON.parse(line.slice(6));
}

describe("OpenAI response format", () => {
  it("builds a chat.completion body with the routed model and Switchboard's turn and decision", () => {
    const usage = { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 };
    expect(completionBody(identity, { content: "hi", finishReason: "stop", usage, switchboard })).toEqual({
      id: "chatcmpl-t1",
      object: "chat.completion",
      created: 1_800_000_000,
      model: "demo-coder",
      system_fingerprint: null,
      choices: [{ index: 0, message: { role: "assistant", content: "hi", refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage,
      switchboard: {
        turn_id: "t1",
        chat_session_id: "s1",
        decision: {
          chosen_model_id: "demo-coder",
          router_version: "v1",
          confidence: 0.8,
          cold_start: false,
          override: false,
          fallback: false,
          basis: "router",
        },
      },
    });
  });

  it("writes stream chunks as OpenAI does, with usage: null only when usage was asked for", () => {
    expect(parse(sseChunk(identity, { delta: { content: "a" }, includeUsage: false }))).toEqual({
      ...identity,
      object: "chat.completion.chunk",
      system_fingerprint: null,
      choices: [{ index: 0, delta: { content: "a" }, logprobs: null, finish_reason: null }],
    });
    expect(parse(sseChunk(identity, { delta: {}, finishReason: "length", includeUsage: true }))).toMatchObject({
      usage: null,
      choices: [{ delta: {}, finish_reason: "length" }],
    });
    expect(parse(sseUsageChunk(identity, { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }))).toMatchObject({
      choices: [],
      usage: { total_tokens: 3 },
    });
    expect(parse(sseError("boom"))).toEqual({ error: { message: "boom", type: "upstream_error", param: null, code: "model_error" } });
    expect(SSE_DONE).toBe("data: [DONE]\n\n");
  });
});
