import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatResult, type LoadClient, percentile, type RateResult } from "../support/load-client";
import { type Stack, startStack } from "../support/stack";
import { isDatabaseUnavailableAnswer, lostRatings, lostTurns, newClient } from "./support";

const POOL = 3;
const POOL_TIMEOUT_MS = 1_500;
/** Longer than the pool timeout, so that turns stuck on the lock hold every connection and other requests meet the pool timeout. */
const LOCK_TIMEOUT_MS = 4_000;
/** Fails the test instead of hanging it if a request waits for the lock holder. */
const DEADLINE_MS = 60_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    tag: "fault_pool",
    env: {
      DATABASE_POOL_SIZE: String(POOL),
      DATABASE_POOL_TIMEOUT_MS: String(POOL_TIMEOUT_MS),
      DATABASE_LOCK_TIMEOUT_MS: String(LOCK_TIMEOUT_MS),
      RATE_LIMIT_CHAT_PER_USER: "100000",
      RATE_LIMIT_CHAT_PER_IP: "100000",
    },
  });
});
afterAll(() => stack?.close());

async function chatAndRate(
  client: LoadClient,
  session: string,
  text: string,
  ratings: ({ turnId: string; stars: number } & RateResult)[],
): Promise<ChatResult> {
  const chat = await client.chat(session, text);
  if (chat.completed && chat.turnId) ratings.push({ turnId: chat.turnId, stars: 4, ...(await client.rate(chat.turnId, 4)) });
  return chat;
}

const summary = (results: { status: number; ms: number; completed?: boolean }[]) => {
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    completed: results.filter((r) => r.completed ?? r.status === 200).length,
    of: results.length,
    statuses: [...new Set(results.map((r) => r.status))],
    p50Ms: Math.round(percentile(ms, 50)),
    maxMs: Math.round(ms[ms.length - 1]),
  };
};

/** Polls until no backend of this database waits on a lock; returns how long that took. */
async function waitUntilNoneWaitsOnLocks(admin: pg.Client, timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (rows[0].n === 0) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${rows[0].n} statements still wait on a lock after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Log lines (one per logged error) that mention `needle`. */
const count = (logs: string, needle: string) => logs.split("\n").filter((line) => line.includes(needle)).length;

describe("the connection pool is exhausted", () => {
  it("answers 503 + Retry-After after the pool timeout, frees stuck connections by lock_timeout while the lock is held, loses nothing acknowledged and recovers", async () => {
    const victim = await newClient(stack, "pool");
    const blocked = await victim.createSession();
    const others = await Promise.all(Array.from({ length: 10 }, () => newClient(stack, "pool-other")));
    const otherSessions = await Promise.all(others.map((c) => c.createSession()));
    const ratings: ({ turnId: string; stars: number } & RateResult)[] = [];

    // Hold the session row lock from outside, as a stuck transaction would: every write to that session waits
    // on it while holding one of the app's pooled connections, so the pool runs dry and requests meet its timeout.
    const locker = new pg.Client({ connectionString: stack.db.url });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("SELECT 1 FROM chat_sessions WHERE id = $1 FOR UPDATE", [blocked]);
    const lockedAt = performance.now();
    const slow = Promise.all(Array.from({ length: 20 }, (_, i) => victim.chat(blocked, `stuck ${i}`)));
    await new Promise((r) => setTimeout(r, 500));
    const fast = Promise.all(others.map((c, i) => chatAndRate(c, otherSessions[i], "while the pool is full", ratings)));
    const answered = await Promise.race([Promise.all([slow, fast]), new Promise<null>((r) => setTimeout(() => r(null), DEADLINE_MS))]);
    const answeredMs = performance.now() - lockedAt;
    expect(answered, `requests still waiting ${DEADLINE_MS} ms after the lock was taken`).not.toBeNull();
    const [stuck, meanwhile] = answered!;

    // With the lock still held, lock_timeout cancels every statement waiting on it, so the pool drains
    // and other users are served again although the stuck transaction never ends.
    const drainedMs = await waitUntilNoneWaitsOnLocks(locker, LOCK_TIMEOUT_MS + 5_000);
    const whileLocked = await Promise.all(others.map((c, i) => chatAndRate(c, otherSessions[i], "the lock is still held", ratings)));
    await locker.query("COMMIT");
    await locker.end();

    const all = [...stuck, ...meanwhile, ...whileLocked];
    const failed = all.filter((c) => !c.completed);
    const logs = stack.logs();
    console.log(
      JSON.stringify({
        fault: "pool exhausted",
        pool: POOL,
        poolTimeoutMs: POOL_TIMEOUT_MS,
        lockTimeoutMs: LOCK_TIMEOUT_MS,
        meanwhile: summary(meanwhile),
        stuck: summary(stuck),
        allAnsweredMs: Math.round(answeredMs),
        lockWaitsEndedMs: Math.round(drainedMs),
        whileLocked: summary(whileLocked),
        ratings: summary(ratings),
        retryAfter: [...new Set(failed.map((c) => c.retryAfter))],
        poolTimeouts: count(logs, "timeout exceeded when trying to connect"),
        sampleErrors: [...new Set(failed.map((c) => c.error?.slice(0, 120)))].slice(0, 4),
      }),
    );
    expect([...stuck, ...meanwhile].filter((c) => !c.completed && !isDatabaseUnavailableAnswer(c))).toEqual([]);
    expect(ratings.filter((r) => r.status !== 200 && !isDatabaseUnavailableAnswer(r))).toEqual([]);
    expect(count(logs, "timeout exceeded when trying to connect")).toBeGreaterThan(0);
    expect(whileLocked.filter((c) => !c.completed).map((c) => `${c.status} ${c.error}`)).toEqual([]);
    expect(logs).not.toContain('"msg":"unhandled error"');
    expect(await lostTurns(stack, all)).toEqual([]);
    expect(await lostRatings(stack, ratings)).toEqual([]);

    // Recovered without an app restart: the formerly locked session completes turns too.
    const after = await victim.chat(blocked, "after the lock");
    expect(`${after.status} ${after.error}`).toBe("200 null");
  });
});
