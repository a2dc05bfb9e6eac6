/**
 * The one turn pipeline behind both wires, on real parts: the run's database, the shipped router model,
 * the demo LLM server over real HTTP and an OTLP collector. Each wire's turn routes once, stores its
 * question once, falls back down the router's ranking the same way and reports the same spans.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type DemoLlmServer, startDemoLlmServer } from "@/lib/llm/demo-server";
import { flushTracing, startTracing } from "@/lib/observability/otel";
import { enableOnlyDemoModels, seedUser } from "../../support/seed";

vi.setConfig({ testTimeout: 60_000 });

const MODELS = ["demo-concise", "demo-detailed", "demo-coder"];
/** Every model but the last fails before its first token, so whichever the router picks, the turn falls back to it. */
const ANSWERING = "demo-coder";
const QUESTION = "Name three prime numbers. [demo:fail@demo-concise] [demo:fail@demo-detailed]";

type Lib = {
  prisma: typeof import("@/lib/db/client").prisma;
  streamChatReply: typeof import("@/lib/chat/stream-reply").streamChatReply;
  createChatCompletion: typeof import("@/lib/api/chat-completions").createChatCompletion;
  runTurn: typeof import("@/lib/turn/run-turn").runTurn;
  listEnabledModels: typeof import("@/lib/db/queries/models").listEnabledModels;
  readRoutingStamps: typeof import("@/lib/router/prisma-history-store").readRoutingStamps;
};
let lib: Lib;
let demo: DemoLlmServer;
let restoreModels: () => Promise<void>;
const spans: string[] = [];
const collector = createServer((req: IncomingMessage, res) => {
  let body = "";
  req.on("data", (d: Buffer) => (body += d.toString("latin1")));
  req.on("end", () => {
    spans.push(body);
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});

beforeAll(async () => {
  process.env.ROUTER_MODEL_DIR ??= "router-core/models/default";
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  startTracing({ endpoint: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`, serviceName: "run-turn-test" });
  demo = await startDemoLlmServer({ port: 0 });
  const [{ prisma }, { streamChatReply }, { createChatCompletion }, { runTurn }, { listEnabledModels }, { readRoutingStamps }] = await Promise.all([
    import("@/lib/db/client"),
    import("@/lib/chat/stream-reply"),
    import("@/lib/api/chat-completions"),
    import("@/lib/turn/run-turn"),
    import("@/lib/db/queries/models"),
    import("@/lib/router/prisma-history-store"),
  ]);
  lib = { prisma, streamChatReply, createChatCompletion, runTurn, listEnabledModels, readRoutingStamps };
  restoreModels = await enableOnlyDemoModels(demo.url, MODELS);
}, 120_000);

afterAll(async () => {
  await restoreModels();
  await demo.close();
  await new Promise<void>((resolve) => collector.close(() => resolve()));
});

/** How many spans of each pipeline name were exported since `from` (names are plain strings in either OTLP encoding). */
async function spanCounts(from: number): Promise<Record<string, number>> {
  await flushTracing();
  const payload = spans.slice(from).join("");
  const count = (name: string) => payload.split(name).length - 1;
  return { route: count("router.route_turn"), store: count("db.store_user_turn"), reply: count("llm.reply") };
}

/** The stored question and answer of a session, with the answer's decision. */
async function storedTurn(chatSessionId: string) {
  const turns = await lib.prisma.turn.findMany({ where: { chatSessionId }, orderBy: { position: "asc" }, include: { decision: true } });
  expect(turns.map((t) => t.role)).toEqual(["user", "assistant"]);
  return { question: turns[0], answer: turns[1] };
}

function expectFellBackTo(answer: Awaited<ReturnType<typeof storedTurn>>["answer"]) {
  expect(answer).toMatchObject({ modelId: ANSWERING, status: "completed", parentId: expect.any(String) });
  expect(answer.content.length).toBeGreaterThan(0);
  if (!answer.decision) throw new Error("the answer has no routing decision");
  const timings = answer.decision.timings as { routerPick: string; llmFallback?: { failed: { modelId: string }[]; answeredBy: string } };
  // Tried in the router's order until the one model that answers: every model ranked above it failed first.
  const candidates = (answer.decision.candidates as { modelId: string; probability: number }[]).toSorted((a, b) => b.probability - a.probability);
  const tried = candidates
    .slice(
      0,
      candidates.findIndex((c) => c.modelId === ANSWERING),
    )
    .map((c) => c.modelId);
  expect(timings.routerPick).toBe(candidates[0].modelId);
  if (tried.length === 0) expect(timings.llmFallback).toBeUndefined();
  else expect(timings.llmFallback).toEqual({ failed: tried.map((modelId) => expect.objectContaining({ modelId })), answeredBy: ANSWERING });
}

describe("runTurn behind both wires", () => {
  it("chat: routes once, stores the question, falls back down the ranking, streams and stores the answer", async () => {
    const userId = await seedUser("run-turn-chat");
    const session = await lib.prisma.chatSession.create({ data: { userId } });
    const from = spans.length;
    const response = await lib.streamChatReply({ userId, chatSessionId: session.id, trigger: "submit-message", text: QUESTION }, new AbortController().signal);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('"type":"text-delta"');
    expect(body).toContain('"type":"finish"');
    const { question, answer } = await storedTurn(session.id);
    expect(question.content).toBe(QUESTION);
    expect(answer.parentId).toBe(question.id);
    expectFellBackTo(answer);
    expect(body).toContain(`"turnId":"${answer.id}"`);
    expect(await spanCounts(from)).toEqual({ route: 1, store: 1, reply: 1 });
  });

  it("/v1: the same pipeline, in an API session of its own, answered as one JSON body", async () => {
    const userId = await seedUser("run-turn-api");
    const from = spans.length;
    const response = await lib.createChatCompletion({
      userId,
      params: { model: "auto", messages: [{ role: "user", content: QUESTION }], stream: false, includeUsage: false, settings: {} },
      signal: new AbortController().signal,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(body.model).toBe(ANSWERING);
    const sessionId = response.headers.get("x-switchboard-chat-session-id")!;
    expect(await lib.prisma.chatSession.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({ userId, source: "api" });
    const { question, answer } = await storedTurn(sessionId);
    expect(question.content).toBe(QUESTION);
    expect(answer.content).toBe(body.choices[0].message.content);
    expect(response.headers.get("x-switchboard-turn-id")).toBe(answer.id);
    expectFellBackTo(answer);
    expect(await spanCounts(from)).toEqual({ route: 1, store: 1, reply: 1 });
  });

  it("/v1: a model that is not enabled is a 404-class error before anything is stored", async () => {
    const userId = await seedUser("run-turn-api-404");
    await expect(
      lib.createChatCompletion({
        userId,
        params: { model: "no-such-model", messages: [{ role: "user", content: "hi" }], stream: false, includeUsage: false, settings: {} },
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ type: "not_found", message: expect.stringContaining('"no-such-model" does not exist') });
    expect(await lib.prisma.turn.count({ where: { userId } })).toBe(0);
  });

  // The model is called while the question is still being stored; a write that is then refused must stop the call
  // and hand no reply on, before or after the model's first token.
  it.each([
    ["before the first token", 0],
    ["after the first token", 300],
  ])("a question refused %s: the turn fails with the refusal, the model call is closed and nothing is stored", async (_when, refuseAfterMs) => {
    const userId = await seedUser(`run-turn-refused-${refuseAfterMs}`);
    const called = new Promise<{ closed: Promise<boolean> }>((resolve) =>
      demo.server.once("request", (_req, res) => resolve({ closed: new Promise((done) => res.once("close", () => done(res.writableFinished))) })),
    );
    const refusal = new Error("Chat session not found.");
    let refuse = (_err: Error) => {};
    const question = new Promise<never>((_resolve, reject) => (refuse = reject));
    // [demo:slow]: 200 ms between chunks, so the answer is still streaming when it is refused.
    const text = "Name a prime number. [demo:slow]";
    const turn = lib.runTurn({
      userId,
      models: await lib.listEnabledModels(),
      queryText: text,
      earlierUserMessages: [],
      messages: [{ role: "user", content: text }],
      question,
      stamps: lib.readRoutingStamps(userId),
      signal: new AbortController().signal,
    });
    const call = await called;
    await new Promise((resolve) => setTimeout(resolve, refuseAfterMs));
    refuse(refusal);
    await expect(turn).rejects.toBe(refusal);
    expect(await call.closed).toBe(false);
    expect(await lib.prisma.turn.count({ where: { userId } })).toBe(0);
  });
});
