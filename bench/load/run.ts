/**
 * Load run on loopback: N concurrent chat sessions, each sending turns and
 * rating every answer, through the real HTTP API of the production build
 * against the demo LLM. Prints throughput, latency percentiles and errors,
 * then checks every acknowledged turn and rating in the database. A baseline
 * run calls the demo LLM directly with the same concurrency. Where the
 * machine's CPU went during the load (app, demo LLM, PostgreSQL, this client)
 * is printed per completed turn.
 *
 *   npx next build && npx tsx bench/load/run.ts --sessions 100 --seconds 30
 *   (--instances N runs N app processes sharing the database, clients spread over them;
 *    --profile <dir> writes CPU profiles of the app processes there;
 *    --open-loop then offers half the measured capacity at a fixed rate for as long, and prints the
 *    latencies at that load beside the unloaded time to first token, compared model by model;
 *    --unpaced: capacity mode, the demo models answer at once instead of pacing like real ones, for the app
 *    and for the baseline's direct calls)
 *
 * Bounded: at most 500 sessions and 60 s of load; a watchdog ends the run.
 */
import pg from "pg";
import { type ChatResult, LoadClient, percentile } from "../../test/support/load-client";
import { PASSWORD, type Stack, startStack } from "../../test/support/stack";
import { cpuBetween, cpuSnapshot } from "./cpu";
import { LOAD_APP_ENV, numberArg, PROFILE_DIR } from "./options";

const SESSIONS = numberArg("sessions", 100, 500);
const SECONDS = numberArg("seconds", 30, 60);
const BASELINE_SECONDS = numberArg("baseline-seconds", 10, 30);
const INSTANCES = numberArg("instances", 1, 4);
const OPEN_LOOP = process.argv.includes("--open-loop");
const UNPACED = process.argv.includes("--unpaced");

const LOAD_ENV = {
  ...LOAD_APP_ENV,
  LLM_FIRST_TOKEN_TIMEOUT_MS: "10000",
  DEMO_LLM_PACING: UNPACED ? "off" : "on",
};

type Stats = { chats: ChatResult[]; ratings: { turnId: string; stars: number; status: number; ms: number }[] };

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function drive(clients: LoadClient[], sessions: string[], seconds: number): Promise<Stats & { elapsedS: number }> {
  const stats: Stats = { chats: [], ratings: [] };
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, i) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const chat = await client.chat(sessions[i], `load turn ${n} from session ${i}: what is ${n} + ${i}?`);
        stats.chats.push(chat);
        if (chat.completed && chat.turnId) {
          const stars = 1 + ((n + i) % 5);
          stats.ratings.push({ turnId: chat.turnId, stars, ...(await client.rate(chat.turnId, stars)) });
        }
      }
    }),
  );
  return { ...stats, elapsedS: (performance.now() - started) / 1000 };
}

/**
 * Open loop: a turn (and then its rating) starts every 1/rate seconds on the longest-idle session, whatever
 * the app's pace, as users arrive in a service; a closed loop measures capacity, where every request queues.
 * An arrival that finds no idle session is counted as skipped (the offered load is too high for the sessions).
 */
async function openLoop(clients: LoadClient[], sessions: string[], ratePerS: number, seconds: number) {
  const stats: Stats = { chats: [], ratings: [] };
  const idle = clients.map((_, i) => i);
  const jobs: Promise<void>[] = [];
  const offered = Math.floor(ratePerS * seconds);
  let skipped = 0;
  const started = performance.now();
  for (let k = 0; k < offered; k++) {
    const wait = started + (k * 1000) / ratePerS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const i = idle.shift();
    if (i === undefined) {
      skipped++;
      continue;
    }
    jobs.push(
      (async () => {
        const chat = await clients[i].chat(sessions[i], `open-loop turn ${k} from session ${i}: what is ${k} + ${i}?`);
        stats.chats.push(chat);
        if (chat.completed && chat.turnId) {
          const stars = 1 + (k % 5);
          stats.ratings.push({ turnId: chat.turnId, stars, ...(await clients[i].rate(chat.turnId, stars)) });
        }
        idle.push(i);
      })(),
    );
  }
  await Promise.all(jobs);
  return { ...stats, offered, skipped, elapsedS: (performance.now() - started) / 1000 };
}

/** Per model the router chose: how many completed turns, and the median of `value` over them (null: not counted). */
type ByModel = Record<string, { turns: number; p50Ms: number }>;

function medianByModel(chats: ChatResult[], value: (c: ChatResult) => number | null): ByModel {
  const byModel = new Map<string, number[]>();
  for (const c of chats) {
    const v = c.completed && c.modelId ? value(c) : null;
    if (v !== null) byModel.set(c.modelId!, [...(byModel.get(c.modelId!) ?? []), v]);
  }
  return Object.fromEntries(
    [...byModel].map(([model, ms]) => [
      model,
      {
        turns: ms.length,
        p50Ms: percentile(
          ms.sort((a, b) => a - b),
          50,
        ),
      },
    ]),
  );
}

/** Time to first token per model: the demo models pace their first token differently (20-120 ms). */
const ttftByModel = (chats: ChatResult[]) => medianByModel(chats, (c) => c.ttftMs);

/**
 * Routed turns one at a time on an otherwise idle app, over many sessions whose users have rated answers, so
 * that the router picks each model about as it does under load.
 */
async function unloadedTtft(clients: LoadClient[], sessions: string[], turns = 40) {
  const chats: ChatResult[] = [];
  for (let n = 0; n < turns; n++) chats.push(await clients[n % clients.length].chat(sessions[n % clients.length], `unloaded turn ${n}: what is ${n} + 1?`));
  const ttft = chats.flatMap((c) => (c.completed && c.ttftMs !== null ? [c.ttftMs] : [])).sort((a, b) => a - b);
  return { turns: ttft.length, ttftP50Ms: percentile(ttft, 50), ttftP99Ms: percentile(ttft, 99), byModel: ttftByModel(chats) };
}

/**
 * Loaded over unloaded time to first token, like for like: each model's p50 under load against its own unloaded
 * p50, weighted by how many loaded turns that model served (models missing from either run are left out).
 */
function ttftRatio(loaded: ByModel, unloaded: ByModel): number {
  let num = 0;
  let den = 0;
  for (const [model, l] of Object.entries(loaded)) {
    const u = unloaded[model];
    if (!u) continue;
    num += l.turns * l.p50Ms;
    den += l.turns * u.p50Ms;
  }
  return den > 0 ? num / den : NaN;
}

/** The same concurrency straight against the demo LLM: what the loopback, the client and the LLM cost without the app. */
async function baseline(demoUrl: string, concurrency: number, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t = performance.now();
        try {
          const response = await fetch(`${demoUrl}/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "demo-concise", stream: true, messages: [{ role: "user", content: `load turn ${n} from session ${i}` }] }),
          });
          const text = await response.text();
          if (!text.includes("[DONE]")) errors++;
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { calls: latencies.length, perSecond: latencies.length / elapsedS, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), errors };
}

/** Every turn and rating the clients saw acknowledged must be in the database, as acknowledged. */
async function verify(dbUrl: string, stats: Stats) {
  const acked = stats.chats.filter((c) => c.completed && c.turnId).map((c) => c.turnId!);
  const ratings = stats.ratings.filter((r) => r.status === 200);
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const turns = await client.query<{ id: string }>(`SELECT id FROM turns WHERE id = ANY($1::uuid[]) AND status = 'completed' AND content <> ''`, [acked]);
    const stored = await client.query<{ turn_id: string; stars: number }>(`SELECT turn_id, stars FROM ratings WHERE turn_id = ANY($1::uuid[])`, [
      ratings.map((r) => r.turnId),
    ]);
    const starsByTurn = new Map(stored.rows.map((r) => [r.turn_id, r.stars]));
    // Whether turns were really routed by the ONNX router or by its fallback to the default model.
    const routers = await client.query<{ router_version: string; fallback: boolean; n: string; p50: number; p99: number }>(
      `SELECT router_version, fallback, count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY total_ms) AS p99 FROM routing_decisions GROUP BY 1, 2`,
    );
    return {
      decisions: routers.rows.map((r) => ({
        routerVersion: r.router_version,
        fallback: r.fallback,
        count: Number(r.n),
        routingP50Ms: r.p50,
        routingP99Ms: r.p99,
      })),
      ackedTurns: acked.length,
      lostTurns: acked.length - turns.rowCount!,
      ackedRatings: ratings.length,
      lostRatings: ratings.filter((r) => starsByTurn.get(r.turnId) !== r.stars).length,
    };
  } finally {
    await client.end();
  }
}

function summarize(stats: Stats & { elapsedS: number }) {
  const latencies = stats.chats.map((c) => c.ms).sort((a, b) => a - b);
  const ttft = stats.chats.flatMap((c) => (c.completed && c.ttftMs !== null ? [c.ttftMs] : [])).sort((a, b) => a - b);
  const ratingMs = stats.ratings.map((r) => r.ms).sort((a, b) => a - b);
  const byKind = new Map<string, number>();
  for (const c of stats.chats)
    if (!c.completed)
      byKind.set(
        c.status === 200 ? `stream: ${c.error}` : `HTTP ${c.status}`,
        (byKind.get(c.status === 200 ? `stream: ${c.error}` : `HTTP ${c.status}`) ?? 0) + 1,
      );
  for (const r of stats.ratings) if (r.status !== 200) byKind.set(`rating HTTP ${r.status}`, (byKind.get(`rating HTTP ${r.status}`) ?? 0) + 1);
  const completed = stats.chats.filter((c) => c.completed).length;
  // The demo models pace their streams differently (first token 20-120 ms, 5-12 ms a chunk), so which
  // ones the router picked sets how long a session waits per turn even on an idle machine.
  const byModel = medianByModel(stats.chats, (c) => c.ms);
  return {
    turns: stats.chats.length,
    completedTurns: completed,
    routedTurnsPerSecond: completed / stats.elapsedS,
    turnP50Ms: percentile(latencies, 50),
    turnP99Ms: percentile(latencies, 99),
    ttftP50Ms: percentile(ttft, 50),
    ttftP99Ms: percentile(ttft, 99),
    ratings: stats.ratings.length,
    ratingP50Ms: percentile(ratingMs, 50),
    ratingP99Ms: percentile(ratingMs, 99),
    http5xx: stats.chats.filter((c) => c.status >= 500).length + stats.ratings.filter((r) => r.status >= 500).length,
    errors: Object.fromEntries(byKind),
    byModel,
  };
}

async function main() {
  let stack: Stack | null = null;
  const watchdog = setTimeout(
    async () => {
      console.error("watchdog: the run took too long, stopping");
      await stack?.close();
      process.exit(2);
    },
    (SECONDS * (OPEN_LOOP ? 2 : 1) + BASELINE_SECONDS + 240) * 1000,
  );
  try {
    stack = await startStack({
      env: LOAD_ENV,
      tag: "load",
      instances: INSTANCES,
      nodeArgs: PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    });
    console.error(`app on ${stack.baseUrls.join(", ")}; registering ${SESSIONS} users`);
    const clients = Array.from(
      { length: SESSIONS },
      (_, i) => new LoadClient(stack!.baseUrls[i % INSTANCES], `load-${i}-${Date.now().toString(36)}@example.test`, `10.${(i >> 8) & 255}.${i & 255}.1`),
    );
    const sessions: string[] = [];
    await inBatches(clients, 8, (c) => c.register(PASSWORD));
    for (const c of clients) sessions.push(await c.createSession());
    console.error("warm-up: one turn per session");
    await inBatches(clients, 20, async (c) => void (await c.chat(sessions[clients.indexOf(c)], "warm-up")));

    console.error(`load: ${SESSIONS} sessions for ${SECONDS} s`);
    const cpuBefore = cpuSnapshot();
    const stats = await drive(clients, sessions, SECONDS);
    const cpu = cpuBetween(cpuBefore, cpuSnapshot(), { groups: stack.processGroups(), commands: { postgres: "postgres" } });
    const load = summarize(stats);
    const cpuPerTurnMs = Object.fromEntries(Object.entries(cpu.seconds).map(([name, s]) => [name, (1000 * s) / Math.max(load.completedTurns, 1)]));
    let open: Awaited<ReturnType<typeof openLoop>> | null = null;
    // Measured after the closed loop, when the users have the ratings they route with in the open loop.
    const unloaded = OPEN_LOOP ? await unloadedTtft(clients, sessions) : null;
    if (OPEN_LOOP) {
      console.error(`open loop: ${(load.routedTurnsPerSecond / 2).toFixed(1)} turns/s (half the capacity) for ${SECONDS} s`);
      open = await openLoop(clients, sessions, load.routedTurnsPerSecond / 2, SECONDS);
    }
    const openLoad = open ? summarize(open) : null;
    const openTtft = open ? ttftByModel(open.chats) : null;
    const writes = await verify(stack.db.url, {
      chats: [...stats.chats, ...(open?.chats ?? [])],
      ratings: [...stats.ratings, ...(open?.ratings ?? [])],
    });
    console.error(`baseline: demo LLM directly, ${SESSIONS} concurrent for ${BASELINE_SECONDS} s`);
    const direct = await baseline(stack.demoUrl, SESSIONS, BASELINE_SECONDS);
    const result = {
      sessions: SESSIONS,
      seconds: SECONDS,
      instances: INSTANCES,
      demoLlmPacing: LOAD_ENV.DEMO_LLM_PACING,
      routerModelDir: LOAD_ENV.ROUTER_MODEL_DIR,
      cpus: (await import("node:os")).cpus().length,
      load,
      cpu: { perTurnMs: cpuPerTurnMs, machineBusyPercent: cpu.machineBusyPercent },
      ...(open && openLoad && openTtft && unloaded
        ? {
            openLoop: {
              offeredPerSecond: open.offered / SECONDS,
              skipped: open.skipped,
              ...openLoad,
              ttftByModel: openTtft,
              unloaded,
              ttftP50VsUnloaded: ttftRatio(openTtft, unloaded.byModel),
            },
          }
        : {}),
      writes,
      baseline: direct,
      ratioToBaseline: load.routedTurnsPerSecond / direct.perSecond,
    };
    console.log(JSON.stringify(result, null, 2));
    process.exitCode = writes.lostTurns === 0 && writes.lostRatings === 0 && load.http5xx === 0 && (openLoad?.http5xx ?? 0) === 0 ? 0 : 1;
  } finally {
    clearTimeout(watchdog);
    await stack?.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
