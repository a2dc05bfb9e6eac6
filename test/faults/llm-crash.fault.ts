import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack";
import { isClearError, lostTurns, newClient, sql } from "./support";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ tag: "fault_llm", env: { LLM_FIRST_TOKEN_TIMEOUT_MS: "3000" } });
});
afterAll(() => stack?.close());

describe("the LLM server dies mid-stream", () => {
  it("stores the partial answers as failed with a clear error, fails new turns clearly while it is down, and recovers when it is back", async () => {
    const client = await newClient(stack, "llm");
    const sessions = await Promise.all(Array.from({ length: 5 }, () => client.createSession()));
    // The detailed model, picked explicitly (so no fallback), streams for about 20 s at [demo:slow]: every stream is mid-answer at the kill.
    const streaming = sessions.map((s) => client.chat(s, "tell me a long story [demo:slow]", { modelId: "demo-detailed" }));
    await new Promise((r) => setTimeout(r, 3_000));
    stack.killDemo();
    const cut = await Promise.all(streaming);
    expect(cut.map((c) => c.completed)).toEqual(sessions.map(() => false));
    expect(cut.filter((c) => !isClearError(c))).toEqual([]);
    const stored = await sql<{ status: string; content: string; error: string }>(stack, `SELECT status, content, error FROM turns WHERE id = ANY($1::uuid[])`, [
      cut.map((c) => c.turnId),
    ]);
    expect(stored).toHaveLength(sessions.length);
    for (const turn of stored) {
      expect(turn.status).toBe("failed");
      expect(turn.content.length).toBeGreaterThan(0);
      expect(turn.error).toMatch(/stream failed|could not be reached|terminated/);
    }

    // While it is down every candidate fails before its first token: one failed turn, a clear message.
    const down = await client.chat(sessions[0], "anyone there?");
    expect(down.completed).toBe(false);
    expect(down.error).toMatch(/could not be reached|failed/);
    console.log(
      JSON.stringify({ fault: "LLM killed mid-stream", cutStreams: cut.length, partialKept: stored.every((t) => t.content.length > 0), whileDown: down.error }),
    );

    await stack.startDemo();
    const back = await client.chat(sessions[0], "and now?");
    expect(back.completed).toBe(true);
    expect(await lostTurns(stack, [back])).toEqual([]);
  });
});
