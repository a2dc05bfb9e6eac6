import { describe, expect, it } from "vitest";
import { chatCompletionBody } from "@/app/v1/chat/completions/schema";

const user = (content: unknown) => ({ role: "user", content });

describe("chatCompletionBody", () => {
  it("maps OpenAI's fields onto the AI SDK's settings", () => {
    const parsed = chatCompletionBody.parse({
      model: "auto",
      messages: [
        { role: "developer", content: "Be brief." },
        user([
          { type: "text", text: "Hel" },
          { type: "text", text: "lo" },
        ]),
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      stop: "END",
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      seed: 7,
      n: 1,
      user: "someone",
    });
    expect(parsed).toEqual({
      model: "auto",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello" },
      ],
      stream: true,
      includeUsage: true,
      settings: { temperature: 0.2, topP: 0.9, maxOutputTokens: 100, stopSequences: ["END"], presencePenalty: 0.5, frequencyPenalty: -0.5, seed: 7 },
    });
  });

  it("prefers max_completion_tokens and treats null like absent, as OpenAI's clients send it", () => {
    const parsed = chatCompletionBody.parse({
      model: "demo-coder",
      messages: [user("hi")],
      max_tokens: 10,
      max_completion_tokens: 20,
      temperature: null,
      stream: null,
    });
    expect(parsed.settings.maxOutputTokens).toBe(20);
    expect(parsed.settings.temperature).toBeUndefined();
    expect(parsed.stream).toBe(false);
    expect(parsed.includeUsage).toBe(false);
  });

  it.each([
    ["no model", { messages: [user("hi")] }, "model"],
    ["no messages", { model: "auto", messages: [] }, "messages must not be empty"],
    ["last message not the user's", { model: "auto", messages: [{ role: "assistant", content: "hi" }] }, "the last message must come from the user"],
    ["empty last message", { model: "auto", messages: [user("   ")] }, "must not be empty"],
    ["tool role", { model: "auto", messages: [{ role: "tool", content: "x" }] }, "tool calls are not supported"],
    ["image part", { model: "auto", messages: [user([{ type: "image_url", image_url: { url: "x" } }])] }, ""],
    ["tools", { model: "auto", messages: [user("hi")], tools: [{ type: "function" }] }, "tools is not supported"],
    ["n > 1", { model: "auto", messages: [user("hi")], n: 2 }, "n must be 1"],
    ["temperature out of range", { model: "auto", messages: [user("hi")], temperature: 3 }, ""],
  ])("rejects %s", (_name, body, message) => {
    const parsed = chatCompletionBody.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.message).join("; ")).toContain(message);
  });
});
