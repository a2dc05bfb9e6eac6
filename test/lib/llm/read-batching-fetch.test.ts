import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from "@ai-sdk/provider";
import { APICallError } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoLlmServer, startDemoLlmServer } from "@/lib/llm/demo-server";
import { readBatchingFetch } from "@/lib/llm/read-batching-fetch";
import { freePort } from "../../support/net";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const event = (i: number) => `data: {"choices":[{"index":0,"delta":{"content":"token ${i}"}}]}\n\n`;

const chatEvent = (delta: object) => `data: {"choices":[{"index":0,"delta":${JSON.stringify(delta)}}]}\n\n`;
const TOKENS = ["Hel", "lo", ",", " wor", "ld"];

/**
 * A server that writes an event, waits 150 ms, then writes ten more 2 ms apart: a first token, then a fast model.
 * On /chat, a chat completion as providers stream it: the role-only event, 2 ms later the first token, then the rest
 * 2 ms apart, and the end 600 ms later.
 */
let server: Server;
let url: string;
const closedEarly: boolean[] = [];
beforeAll(async () => {
  server = createServer(async (req, res: ServerResponse) => {
    res.writeHead(200, { "content-type": req.url === "/json" ? "application/json" : "text/event-stream" });
    res.flushHeaders();
    if (req.url === "/chat") {
      res.write(chatEvent({ role: "assistant", content: "" }));
      for (const token of TOKENS) {
        await sleep(2);
        res.write(chatEvent({ content: token }));
      }
      await sleep(600);
      res.end("data: [DONE]\n\n");
      return;
    }
    let ended = false;
    res.on("close", () => closedEarly.push(!ended));
    res.write(event(0));
    await sleep(150);
    for (let i = 1; i <= 10; i++) {
      res.write(event(i));
      await sleep(2);
    }
    ended = true;
    res.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

/** The body as the reader got it, piece by piece. */
async function pieces(response: Response): Promise<string[]> {
  const decoder = new TextDecoder();
  const out: string[] = [];
  for await (const bytes of response.body!) out.push(decoder.decode(bytes as Uint8Array));
  return out;
}

const allEvents = Array.from({ length: 11 }, (_, i) => event(i)).join("");

describe("readBatchingFetch", () => {
  it("passes the first read of an event stream on at once and what arrives within a window as one piece", async () => {
    const response = await readBatchingFetch(60)(`${url}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const read = await pieces(response);
    expect(read[0]).toBe(event(0));
    expect(read.join("")).toBe(allEvents);
    // Ten events over ~20-40 ms after a quiet spell: the first goes on at once, the rest wait for one window.
    expect(read.length).toBeLessThanOrEqual(4);
    expect(read.length).toBeGreaterThanOrEqual(2);
  });

  it("passes the first token on at once although it follows the role-only event within the window", async () => {
    const started = performance.now();
    const response = await readBatchingFetch(300)(`${url}/chat`);
    const decoder = new TextDecoder();
    const read: string[] = [];
    let firstTokenAt = Number.NaN;
    for await (const bytes of response.body!) {
      read.push(decoder.decode(bytes as Uint8Array));
      if (Number.isNaN(firstTokenAt) && read.join("").includes(TOKENS[0])) firstTokenAt = performance.now() - started;
    }
    const [role, first, ...rest] = [{ role: "assistant", content: "" }, ...TOKENS.map((content) => ({ content }))].map(chatEvent);
    expect(read.join("")).toBe(`${role}${first}${rest.join("")}data: [DONE]\n\n`);
    // Held for the window, the first token would arrive 300 ms after the role-only event.
    expect(firstTokenAt).toBeLessThan(150);
    expect(read.slice(0, 2)).toEqual([role, first]);
    // The tokens after it still wait for one window and go on together.
    expect(read).toContain(rest.join(""));
  });

  it("with a window of 0 passes each read on as it arrives", async () => {
    const read = await pieces(await readBatchingFetch(0)(`${url}/events`));
    expect(read.join("")).toBe(allEvents);
    expect(read.length).toBeGreaterThanOrEqual(8);
  });

  it("passes a body that is not an event stream on as it arrives", async () => {
    const read = await pieces(await readBatchingFetch(1_000)(`${url}/json`));
    expect(read.join("")).toBe(allEvents);
    expect(read.length).toBeGreaterThanOrEqual(8);
  });

  it("stops reading and closes the connection when the body is cancelled", async () => {
    const before = closedEarly.length;
    const response = await readBatchingFetch(25)(`${url}/events`);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(event(0));
    await reader.cancel();
    await expect.poll(() => closedEarly.slice(before)).toEqual([true]);
  });
});

describe("the AI SDK's OpenAI provider on readBatchingFetch", () => {
  let demo: DemoLlmServer;
  beforeAll(async () => {
    demo = await startDemoLlmServer({ port: 0 });
  });
  afterAll(() => demo.close());

  const prompt: LanguageModelV3CallOptions["prompt"] = [{ role: "user", content: [{ type: "text", text: "Explain sorting" }] }];
  const providerOn = (fetchImpl: typeof fetch, baseURL = demo.url) => createOpenAI({ baseURL, apiKey: "no-key", fetch: fetchImpl });

  async function streamed(fetchImpl: typeof fetch) {
    const { stream } = await providerOn(fetchImpl).chat("demo-detailed").doStream({ prompt });
    const parts: LanguageModelV3StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    return parts;
  }

  it("gives the same reply, finish and usage as Node's fetch", async () => {
    const summary = (parts: LanguageModelV3StreamPart[]) => ({
      text: parts.map((p) => (p.type === "text-delta" ? p.delta : "")).join(""),
      finish: parts.find((p) => p.type === "finish"),
      errors: parts.filter((p) => p.type === "error"),
    });
    const batched = summary(await streamed(readBatchingFetch(25)));
    expect(batched.text.length).toBeGreaterThan(100);
    expect(batched.errors).toEqual([]);
    expect(batched).toEqual(summary(await streamed(fetch)));
  });

  it("reports a refused connection, a failed TLS handshake and an HTTP error as Node's fetch does", async () => {
    const refused = `http://127.0.0.1:${await freePort()}/v1`;
    const failure = async (fetchImpl: typeof fetch, baseURL: string, model: string) => {
      const error = await providerOn(fetchImpl, baseURL)
        .chat(model)
        .doStream({ prompt })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(APICallError.isInstance(error)).toBe(true);
      const { message, statusCode, isRetryable } = error as APICallError;
      return { message: message.replace(/:\d+/, ":PORT"), statusCode, isRetryable };
    };
    expect(await failure(readBatchingFetch(25), refused, "demo-detailed")).toEqual(await failure(fetch, refused, "demo-detailed"));
    const plainHttpAsTls = demo.url.replace("http:", "https:");
    expect(await failure(readBatchingFetch(25), plainHttpAsTls, "demo-detailed")).toEqual(await failure(fetch, plainHttpAsTls, "demo-detailed"));
    const notFound = await failure(readBatchingFetch(25), demo.url, "no-such-model");
    expect(notFound).toEqual(await failure(fetch, demo.url, "no-such-model"));
    expect(notFound.statusCode).toBe(404);
  });

  it("ends the stream with an abort error when the call is aborted mid-reply", async () => {
    const abort = new AbortController();
    const { stream } = await providerOn(readBatchingFetch(25)).chat("demo-detailed").doStream({ prompt, abortSignal: abort.signal });
    const reader = stream.getReader();
    let deltas = 0;
    let failure: unknown = null;
    for (;;) {
      const step = await reader.read().catch((error: unknown) => ({ done: true as const, error }));
      if ("error" in step) {
        failure = step.error;
        break;
      }
      if (step.done) break;
      if (step.value.type === "error") failure = step.value.error;
      if (step.value.type === "text-delta" && ++deltas === 2) abort.abort();
    }
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe("AbortError");
  });
});
