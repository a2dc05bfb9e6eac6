import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../bench/load/stack";
import { isClearError, lostTurns, newClient } from "./support";

const POOL = 3;
const POOL_TIMEOUT_MS = 2_000;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    tag: "fault_pool",
    env: { DATABASE_POOL_SIZE: String(POOL), DATABASE_POOL_TIMEOUT_MS: String(POOL_TIMEOUT_MS), RATE_LIMIT_CHAT_PER_USER: "100000", RATE_LIMIT_CHAT_PER_IP: "100000" },
  });
});
afterAll(() => stack?.close());

describe("the connection pool is exhausted", () => {
  it("answers every request (no hang) with success or a clear error, loses nothing acknowledged and recovers", async () => {
    const victim = await newClient(stack, "pool");
    const blocked = await victim.createSession();
    const others = await Promise.all(Array.from({ length: 10 }, () => newClient(stack, "pool-other")));
    const otherSessions = await Promise.all(others.map((c) => c.createSession()));

    // Hold the session row lock from outside, as a slow transaction would: every turn sent to that
    // session waits on it while holding one of the app's pooled connections.
    const locker = new pg.Client({ connectionString: stack.db.url });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("SELECT 1 FROM chat_sessions WHERE id = $1 FOR UPDATE", [blocked]);
    const slow = Array.from({ length: 20 }, (_, i) => victim.chat(blocked, `stuck ${i}`));
    await new Promise((r) => setTimeout(r, 500));
    const started = performance.now();
    const meanwhile = await Promise.all(others.map((c, i) => c.chat(otherSessions[i], "while the pool is full")));
    const meanwhileMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 3_000));
    await locker.query("COMMIT");
    await locker.end();
    const stuck = await Promise.all(slow);

    const all = [...stuck, ...meanwhile];
    console.log(
      JSON.stringify({
        fault: "pool exhausted",
        pool: POOL,
        meanwhile: { completed: meanwhile.filter((c) => c.completed).length, of: meanwhile.length, ms: Math.round(meanwhileMs), statuses: [...new Set(meanwhile.map((c) => c.status))] },
        stuck: { completed: stuck.filter((c) => c.completed).length, of: stuck.length, statuses: [...new Set(stuck.map((c) => c.status))] },
        sampleErrors: [...new Set(all.filter((c) => !c.completed).map((c) => c.error?.slice(0, 120)))].slice(0, 4),
      }),
    );
    expect(all.filter((c) => !isClearError(c))).toEqual([]);
    expect(await lostTurns(stack, all)).toEqual([]);

    const after = await Promise.all(others.map((c, i) => c.chat(otherSessions[i], "after the pool drained")));
    expect(after.filter((c) => !c.completed).map((c) => `${c.status} ${c.error}`)).toEqual([]);
  });
});
