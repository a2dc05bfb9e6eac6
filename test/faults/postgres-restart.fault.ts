import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatResult, LoadClient } from "../../bench/load/client";
import { startStack, type Stack } from "../../bench/load/stack";
import { ensurePostgresRunning, isClearError, lostRatings, lostTurns, newClient, restartPostgres } from "./support";

const CLIENTS = 20;

let stack: Stack;
beforeAll(async () => {
  ensurePostgresRunning();
  stack = await startStack({ tag: "fault_pg", env: { RATE_LIMIT_CHAT_PER_USER: "100000", RATE_LIMIT_CHAT_PER_IP: "100000", DATABASE_POOL_TIMEOUT_MS: "3000" } });
});
afterAll(async () => {
  ensurePostgresRunning();
  await stack?.close();
});

describe("Postgres restarts during a load run", () => {
  it("keeps every acknowledged turn and rating, shows clear errors meanwhile and recovers without an app restart", async () => {
    const clients: LoadClient[] = [];
    for (let i = 0; i < CLIENTS; i++) clients.push(await newClient(stack, "pg"));
    const sessions = await Promise.all(clients.map((c) => c.createSession()));
    const chats: ChatResult[] = [];
    const ratings: { turnId: string; stars: number; status: number }[] = [];
    const deadline = Date.now() + 12_000;

    const load = Promise.all(
      clients.map(async (client, i) => {
        for (let n = 0; Date.now() < deadline; n++) {
          const chat = await client.chat(sessions[i], `turn ${n} during a database restart`);
          chats.push(chat);
          if (chat.completed && chat.turnId) ratings.push({ turnId: chat.turnId, stars: 1 + (n % 5), ...(await client.rate(chat.turnId, 1 + (n % 5))) });
          if (!chat.completed) await new Promise((r) => setTimeout(r, 100));
        }
      }),
    );
    await new Promise((r) => setTimeout(r, 3_000));
    const restartedAt = Date.now();
    try {
      restartPostgres();
    } finally {
      ensurePostgresRunning();
    }
    const restartMs = Date.now() - restartedAt;
    await load;

    const failed = chats.filter((c) => !c.completed);
    console.log(
      JSON.stringify({ fault: "postgres restart", restartMs, turns: chats.length, completed: chats.length - failed.length, failed: failed.length, statuses: [...new Set(failed.map((c) => c.status))], sampleErrors: [...new Set(failed.map((c) => c.error?.slice(0, 120)))].slice(0, 5), ratings: ratings.length }),
    );
    expect(chats.length - failed.length).toBeGreaterThan(CLIENTS);
    expect(failed.filter((c) => !isClearError(c))).toEqual([]);
    expect(await lostTurns(stack, chats)).toEqual([]);
    expect(await lostRatings(stack, ratings)).toEqual([]);

    // Recovered without restarting the app: every client completes a turn again.
    const after = await Promise.all(clients.map((c, i) => c.chat(sessions[i], "after the restart")));
    expect(after.filter((c) => !c.completed).map((c) => `${c.status} ${c.error}`)).toEqual([]);
  });
});
