/**
 * Routing inside the app, on a real database: per-stage p50/p99 of routeQuery
 * (Prisma history store, user-vector cache warm and cold) for users with
 * 0 / 10 / 100 / 1,000 rated turns, and the time to first token of a routed chat
 * turn against a direct call to the same local demo model, in the same run.
 *
 *   npx tsx --conditions=react-server bench/chat-routing/bench.ts --url postgresql://postgres@127.0.0.1:5432/sb_bench [--iterations 100] [--ttft-turns 200]
 *
 * The database must hold synthetic data (bench/synthetic/generate.ts); running the bench at
 * 10k and at 1M stored turns shows whether latency stays flat as the database grows.
 *
 * TTFT: each routed turn is a new message in a chat of `--session-questions` questions (then a new chat
 * starts; 5 questions is the synthetic data's mean of 10 turns a session), and the direct call sends the
 * model the same conversation, so the difference is what the app adds, not a longer prompt.
 */
import { parseArgs } from "node:util";
import type { ModelMessage } from "ai";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    iterations: { type: "string", default: "100" },
    "ttft-turns": { type: "string", default: "200" },
    "session-questions": { type: "string", default: "5" },
  },
});
if (!values.url) throw new Error("--url is required (a database filled by bench/synthetic/generate.ts)");
process.env.DATABASE_URL = values.url;
const ITERATIONS = Number(values.iterations);
const TTFT_TURNS = Number(values["ttft-turns"]);
const SESSION_QUESTIONS = Number(values["session-questions"]);
if (!Number.isInteger(SESSION_QUESTIONS) || SESSION_QUESTIONS < 1) throw new Error("--session-questions must be a whole number ≥ 1");
const HISTORIES = [0, 10, 100, 1000];
const BENCH_MODEL = "demo-concise";

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (xs: number[]) => `${pct(xs, 50).toFixed(2).padStart(7)} / ${pct(xs, 99).toFixed(2).padStart(7)}`;

async function main() {
  const [{ prisma }, router, { streamChatReply }, { startDemoLlmServer }, { languageModelFor }, { streamText }] = await Promise.all([
    import("@/lib/db/client"),
    import("@/lib/router/runtime"),
    import("@/lib/chat/stream-reply"),
    import("@/lib/llm/demo-server"),
    import("@/lib/llm/providers"),
    import("ai"),
  ]);
  const [{ turns }] = await prisma.$queryRaw<{ turns: number }[]>`SELECT count(*)::int AS turns FROM turns`;
  const demo = await startDemoLlmServer({ port: 0 });
  // Every model answers through the local demo server, so TTFT compares routing, not models.
  await prisma.$executeRaw`UPDATE llm_models SET base_url = ${demo.url}, provider_model_id = ${BENCH_MODEL}`;
  // Route with ROUTER_MODEL_DIR (the shipped model), not a synthetic version row.
  await prisma.$executeRaw`UPDATE router_versions SET active = false`;
  const models = await prisma.llmModel.findMany({ where: { enabled: true }, select: { id: true, description: true } });
  const candidates = models.map((m) => ({ id: m.id, description: m.description }));

  const users: { history: number; id: string }[] = [];
  for (const history of HISTORIES) {
    const [{ id }] = await prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO users (id, email, role) VALUES (gen_random_uuid(), 'bench-' || ${history} || '-' || gen_random_uuid() || '@bench.test', 'user') RETURNING id::text`;
    const [{ session }] = await prisma.$queryRaw<{ session: string }[]>`
      INSERT INTO chat_sessions (id, user_id, title) VALUES (gen_random_uuid(), ${id}::uuid, 'bench') RETURNING id::text AS session`;
    await prisma.$executeRaw`
      WITH q AS (
        INSERT INTO turns (id, chat_session_id, user_id, position, role, content, status)
        SELECT md5(${id} || '-q-' || i)::uuid, ${session}::uuid, ${id}::uuid, 2 * i, 'user', 'Bench question ' || i || ' about ' || (ARRAY['sorting','poetry','taxes','physics','cooking'])[i % 5 + 1], 'completed'
          FROM generate_series(0, ${history}::int - 1) i RETURNING id, position),
      a AS (
        INSERT INTO turns (id, chat_session_id, user_id, position, role, content, parent_id, model_id, status)
        SELECT md5(q.id::text || '-a')::uuid, ${session}::uuid, ${id}::uuid, q.position + 1, 'assistant', 'answer', q.id, (${models.map((m) => m.id)}::text[])[(q.position / 2) % ${models.length} + 1], 'completed' FROM q RETURNING id, position)
      INSERT INTO ratings (id, turn_id, user_id, stars, value) SELECT gen_random_uuid(), a.id, ${id}::uuid, 1 + (a.position / 2) % 5, ((a.position / 2) % 5) / 4.0 FROM a`;
    users.push({ history, id });
  }

  const route = (userId: string, i: number, tag = "warm-up") =>
    router.routeQuery({
      userId,
      message: `New bench question ${i} (${tag}): how should I structure a report on topic ${i}?`,
      earlierUserMessages: [],
      candidates,
    });
  // One cold encode per user embeds and stores its history's queries, as routing does in the app over time.
  for (const u of users) await route(u.id, -1);

  const state = router.getRouterState();
  console.log(
    `database: ${turns} stored turns; router ${"routerVersion" in state ? state.routerVersion : state.status} (${state.modelDir}); ${ITERATIONS} iterations; ms p50 / p99`,
  );
  console.log(`${"scenario".padEnd(18)}${["embed", "historyLoad", "userEncode", "score", "overhead", "total"].map((h) => h.padStart(18)).join("")}`);
  for (const u of users) {
    for (const cache of ["warm", "cold"] as const) {
      const t = {
        embed: [] as number[],
        historyLoad: [] as number[],
        userEncode: [] as number[],
        score: [] as number[],
        overhead: [] as number[],
        total: [] as number[],
      };
      for (let i = 0; i < ITERATIONS; i++) {
        if (cache === "cold") router.invalidateUserVector(u.id);
        const started = performance.now();
        const d = await route(u.id, i, `${u.history}-${cache}`);
        const total = performance.now() - started;
        t.embed.push(d.timings.embedMs);
        t.historyLoad.push(d.timings.historyLoadMs);
        t.userEncode.push(d.timings.userEncodeMs);
        t.score.push(d.timings.scoreMs);
        t.total.push(total);
        t.overhead.push(total - d.timings.embedMs);
      }
      console.log(
        `${`${u.history} rated, ${cache}`.padEnd(18)}${Object.values(t)
          .map((xs) => fmt(xs).padStart(18))
          .join("")}`,
      );
    }
  }

  const user = users.find((u) => u.history === 100)!;
  const direct: number[] = [];
  const routed: number[] = [];
  const endpoint = { id: BENCH_MODEL, baseUrl: demo.url, apiKeyEnv: null, providerModelId: BENCH_MODEL };
  let session = "";
  let conversation: ModelMessage[] = [];
  for (let i = 0; i < TTFT_TURNS; i++) {
    if (i % SESSION_QUESTIONS === 0) {
      [{ session }] = await prisma.$queryRaw<{ session: string }[]>`
        INSERT INTO chat_sessions (id, user_id, title) VALUES (gen_random_uuid(), ${user.id}::uuid, 'ttft') RETURNING id::text AS session`;
      conversation = [];
    }
    const question = `Question ${i} about topic ${i % 7}`;
    let started = performance.now();
    const directReply = streamText({ model: languageModelFor(endpoint), messages: [...conversation, { role: "user", content: question }] });
    let answer = "";
    for await (const delta of directReply.textStream) {
      if (!answer) direct.push(performance.now() - started);
      answer += delta;
    }
    conversation.push({ role: "user", content: question }, { role: "assistant", content: answer });
    started = performance.now();
    const response = await streamChatReply(
      { userId: user.id, chatSessionId: session, trigger: "submit-message", text: question },
      new AbortController().signal,
    );
    const reader = response.body!.getReader();
    let buffered = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffered += new TextDecoder().decode(chunk.value);
      if (buffered.includes('"type":"text-delta"')) {
        routed.push(performance.now() - started);
        break;
      }
    }
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
  }
  const overhead = pct(routed, 50) - pct(direct, 50);
  console.log(`\nTTFT, ${routed.length} turns (user with 100 ratings, chats of ${SESSION_QUESTIONS} questions), ms p50 / p99`);
  console.log(`direct call to ${BENCH_MODEL}: ${fmt(direct)}`);
  console.log(`routed chat turn:        ${fmt(routed)}  (includes auth-free persistence of user turn, decision and assistant turn)`);
  console.log(`overhead p50 ${overhead.toFixed(2)} ms; routed/direct p50 ratio ${(pct(routed, 50) / pct(direct, 50)).toFixed(2)}x`);
  await demo.close();
  await prisma.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
