import { streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoLlmServer, startDemoLlmServer } from "@/lib/llm/demo-server";
import { languageModelFor } from "@/lib/llm/providers";

let demo: DemoLlmServer;
beforeAll(async () => {
  demo = await startDemoLlmServer({ port: 0 });
});
afterAll(() => demo.close());

const modelFor = (id: string) => languageModelFor({ id, baseUrl: demo.url, apiKeyEnv: null, providerModelId: id });

describe("demo LLM server", () => {
  it("lists its demo models", async () => {
    const body = (await (await fetch(`${demo.url}/models`)).json()) as { data: { id: string }[] };
    expect(body.data.map((m) => m.id)).toEqual(["demo-concise", "demo-detailed", "demo-coder"]);
  });

  it("streams a reply in several SSE chunks that arrive over time", async () => {
    const response = await fetch(`${demo.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "demo-detailed", stream: true, messages: [{ role: "user", content: "Explain sorting" }] }),
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const arrivals: number[] = [];
    let text = "";
    const decoder = new TextDecoder();
    for await (const bytes of response.body!) {
      arrivals.push(performance.now());
      text += decoder.decode(bytes as Uint8Array, { stream: true });
    }
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
    expect(arrivals[arrivals.length - 1] - arrivals[0]).toBeGreaterThan(50);
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
    expect(text).toContain("Explain");
    expect(text).toContain("sorting");
  });

  it("unpaced, sends the same reply at once (the load bench's capacity mode)", async () => {
    const unpaced = await startDemoLlmServer({ port: 0, paced: false });
    try {
      const read = async (url: string) => {
        const started = performance.now();
        const response = await fetch(`${url}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "demo-detailed", stream: true, messages: [{ role: "user", content: "Explain sorting" }] }),
        });
        const text = (await response.text()).replace(/"id":"[^"]+"|"created":\d+/g, "");
        return { text, ms: performance.now() - started };
      };
      const paced = await read(demo.url);
      const fast = await read(unpaced.url);
      expect(fast.text).toBe(paced.text);
      // Paced, demo-detailed waits 120 ms for its first token and 12 ms after each of its ~90 chunks.
      expect(paced.ms).toBeGreaterThan(1_000);
      expect(fast.ms).toBeLessThan(paced.ms / 2);
    } finally {
      await unpaced.close();
    }
  });

  it("answers through the AI SDK OpenAI-compatible provider with usage", async () => {
    const result = streamText({ model: modelFor("demo-concise"), prompt: "What is 2+2?" });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.join("")).toContain("What is 2+2?");
    expect((await result.totalUsage).outputTokens).toBe(deltas.join("").match(/\s*\S+\s*/g)!.length);
  });

  it("fails with HTTP 500 on [demo:fail] and drops the connection on [demo:drop]", async () => {
    const failed = await fetch(`${demo.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "demo-concise", stream: true, messages: [{ role: "user", content: "[demo:fail]" }] }),
    });
    expect(failed.status).toBe(500);

    const result = streamText({ model: modelFor("demo-detailed"), prompt: "long answer [demo:drop]", maxRetries: 0 });
    let text = "";
    const errors: unknown[] = [];
    try {
      for await (const part of result.fullStream) {
        if (part.type === "text-delta") text += part.text;
        if (part.type === "error") errors.push(part.error);
      }
    } catch (err) {
      errors.push(err);
    }
    expect(text.length).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
  });

  it("rejects unknown models and malformed requests with 4xx", async () => {
    const post = (body: string) => fetch(`${demo.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect((await post(JSON.stringify({ model: "nope", messages: [{ role: "user", content: "x" }] }))).status).toBe(404);
    expect((await post("{not json")).status).toBe(400);
  });
});
