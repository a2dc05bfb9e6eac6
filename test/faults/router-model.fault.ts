import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack";
import { newClient, sql } from "./support";

let stack: Stack;
let dir: string;
beforeAll(async () => {
  // A copy of a real router model with its scorer overwritten: files present, contents unreadable as ONNX.
  dir = mkdtempSync(join(tmpdir(), "sb-router-"));
  cpSync("test/fixtures/tiny-model", dir, { recursive: true });
  writeFileSync(join(dir, "scorer.onnx"), "this is not an onnx model");
  stack = await startStack({ tag: "fault_router", env: { ROUTER_MODEL_DIR: dir } });
});
afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the router model is unreadable", () => {
  it("keeps serving: turns go to the default model and the decision records the router fallback", async () => {
    const client = await newClient(stack, "router");
    const session = await client.createSession();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await client.chat(session, `question ${i}`));
    expect(results.map((r) => [r.completed, r.modelId])).toEqual(results.map(() => [true, "demo-concise"]));
    const decisions = await sql<{ fallback: boolean; router_version: string }>(
      stack,
      `SELECT fallback, router_version FROM routing_decisions WHERE turn_id = ANY($1::uuid[])`,
      [results.map((r) => r.turnId)],
    );
    expect(decisions).toHaveLength(3);
    expect(decisions.every((d) => d.fallback)).toBe(true);
    console.log(JSON.stringify({ fault: "corrupt router model", served: results.length, decisions }));
  });
});
