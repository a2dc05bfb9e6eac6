import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/**
 * A local OpenAI-compatible server hosting clearly labelled demo models, so a
 * fresh install chats without API keys and tests never call the internet.
 * It streams over real HTTP (SSE) like the real APIs. A message containing a
 * directive changes behaviour, for fault tests and demos:
 *   [demo:fail]  HTTP 500 before anything is streamed
 *   [demo:drop]  a few chunks, then the connection is destroyed
 *   [demo:stall] headers only, then nothing until the client gives up
 *   [demo:slow]  200 ms between chunks
 * Each model paces its first token and chunks like a real one (20-120 ms, 5-12 ms);
 * unpaced (`paced: false`, for capacity benchmarks) it answers as fast as it can.
 * Suffixed with @model-id (say [demo:fail@demo-concise]) a directive applies to
 * that model only, so tests can fail one model and watch the turn fall back.
 */
type DemoStyle = { words: (prompt: string) => string; chunkDelayMs: number; firstTokenMs: number };

function topic(prompt: string): string {
  const cleaned = prompt
    .replace(/\[demo:[a-z]+(@[a-z0-9._-]+)?\]/g, "")
    .trim()
    .replace(/\s+/g, " ");
  return cleaned.length > 80 ? `${cleaned.slice(0, 77)}...` : cleaned || "your message";
}

const STYLES: Record<string, DemoStyle> = {
  "demo-concise": {
    chunkDelayMs: 5,
    firstTokenMs: 20,
    words: (p) => `Short answer about "${topic(p)}": this is the concise demo model, replying in one brief sentence.`,
  },
  "demo-detailed": {
    chunkDelayMs: 12,
    firstTokenMs: 120,
    words: (p) =>
      [
        `## Detailed answer`,
        ``,
        `You asked: *${topic(p)}*. The detailed demo model answers at length and in structure.`,
        ``,
        `### Step 1 — Understand the question`,
        `It restates the problem, names the assumptions and lists what a good answer needs.`,
        ``,
        `### Step 2 — Reason it through`,
        `1. Break the question into parts.`,
        `2. Answer each part with an example.`,
        `3. Check the parts against each other.`,
        ``,
        `### Summary`,
        `A real model would give the substance here; this demo shows the **style**: long, careful and well organised.`,
      ].join("\n"),
  },
  "demo-coder": {
    chunkDelayMs: 8,
    firstTokenMs: 60,
    words: (p) =>
      [
        `Here is a code-first answer to "${topic(p)}" from the coder demo model:`,
        ``,
        "```ts",
        `export function answer(question: string): string {`,
        `  return \`demo answer for \${question.length} characters\`;`,
        `}`,
        "```",
        ``,
        `Run it with \`npx tsx answer.ts\`.`,
      ].join("\n"),
  },
};

export const DEMO_MODEL_IDS = Object.keys(STYLES);

const requestSchema = z.object({
  model: z.string(),
  messages: z
    .array(z.object({ role: z.string(), content: z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() }))]) }))
    .min(1),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).optional(),
});

type ChatRequest = z.infer<typeof requestSchema>;

/** Whether the prompt asks this model for a behaviour, directly or through [demo:name@model]. */
function wants(prompt: string, name: string, model: string): boolean {
  return prompt.includes(`[demo:${name}]`) || prompt.includes(`[demo:${name}@${model}]`);
}

function textOf(content: ChatRequest["messages"][number]["content"]): string {
  return typeof content === "string" ? content : content.map((p) => p.text ?? "").join("");
}

/** Splits text into word-sized pieces that keep their whitespace, like real token streams. */
function chunk(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [text];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

async function handleChat(req: IncomingMessage, res: ServerResponse, paced: boolean) {
  let parsed: ChatRequest;
  try {
    parsed = requestSchema.parse(JSON.parse(await readBody(req)));
  } catch (err) {
    return sendJson(res, 400, { error: { message: `invalid request: ${(err as Error).message}`, type: "invalid_request_error" } });
  }
  const style = STYLES[parsed.model];
  if (!style) return sendJson(res, 404, { error: { message: `model ${parsed.model} not found`, type: "invalid_request_error" } });

  const prompt = textOf(parsed.messages[parsed.messages.length - 1].content);
  if (wants(prompt, "fail", parsed.model))
    return sendJson(res, 500, { error: { message: "demo model failure (requested by [demo:fail])", type: "server_error" } });

  const text = style.words(prompt);
  const promptTokens = parsed.messages.reduce((n, m) => n + chunk(textOf(m.content)).length, 0);
  const pieces = chunk(text);
  const usage = { prompt_tokens: promptTokens, completion_tokens: pieces.length, total_tokens: promptTokens + pieces.length };
  const id = `chatcmpl-demo-${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);

  const firstTokenMs = paced ? style.firstTokenMs : 0;
  if (!parsed.stream) {
    await sleep(firstTokenMs);
    return sendJson(res, 200, {
      id,
      object: "chat.completion",
      created,
      model: parsed.model,
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage,
    });
  }

  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  res.flushHeaders();
  if (wants(prompt, "stall", parsed.model)) return; // the client's timeout or abort ends it
  const delay = wants(prompt, "slow", parsed.model) ? 200 : paced ? style.chunkDelayMs : 0;
  const send = (delta: object, finish: string | null, extra: object = {}) =>
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: parsed.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
    );

  await sleep(firstTokenMs);
  send({ role: "assistant", content: "" }, null);
  for (const [i, piece] of pieces.entries()) {
    if (res.destroyed) return;
    if (wants(prompt, "drop", parsed.model) && i === 3) {
      res.socket?.destroy();
      return;
    }
    send({ content: piece }, null);
    if (delay > 0) await sleep(delay);
  }
  send({}, "stop");
  if (parsed.stream_options?.include_usage) {
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: parsed.model, choices: [], usage })}\n\n`);
  }
  res.end("data: [DONE]\n\n");
}

export type DemoLlmServer = { server: Server; url: string; close: () => Promise<void> };

export async function startDemoLlmServer({ port = 4010, host = "127.0.0.1", paced = true } = {}): Promise<DemoLlmServer> {
  const server = createServer((req, res) => {
    const url = req.url ?? "";
    if (req.method === "GET" && url === "/v1/models") {
      return sendJson(res, 200, { object: "list", data: DEMO_MODEL_IDS.map((id) => ({ id, object: "model", created: 0, owned_by: "switchboard-demo" })) });
    }
    if (req.method === "POST" && url === "/v1/chat/completions") {
      handleChat(req, res, paced).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: "server_error" } });
        else res.destroy();
      });
      return;
    }
    sendJson(res, 404, { error: { message: `no route ${req.method} ${url}`, type: "invalid_request_error" } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${address.port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
