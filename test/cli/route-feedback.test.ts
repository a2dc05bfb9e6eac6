/**
 * `switchboard route` and `switchboard feedback` against the run's database, the shipped router model and
 * the demo LLM server over real HTTP.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { type DemoLlmServer, startDemoLlmServer } from "@/lib/llm/demo-server";
import { switchboard } from "../support/cli";
import { enableOnlyDemoModels } from "../support/seed";

// Every command is a process of its own that loads the router: seconds each on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

const MODELS = ["demo-concise", "demo-detailed", "demo-coder"];
const QUESTION = "Write a Go function that sorts a list of integers";
const dir = mkdtempSync(join(tmpdir(), "cli-route-"));
let demo: DemoLlmServer;
let email: string;
let restoreModels: () => Promise<void>;

type RouteResult = {
  query_text: string;
  model_name: string;
  confidence: number;
  user_preference: { ratings_used: number; cold_start: boolean; probabilities: Record<string, number> };
  scores: Record<string, number>;
  fallback: boolean;
  response?: string;
  answered_by?: string;
  status?: string;
  failed_attempts?: { model: string }[];
};

const lines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as RouteResult);

beforeAll(async () => {
  demo = await startDemoLlmServer({ port: 0 });
  // Only the demo models compete in this file's routing decisions.
  restoreModels = await enableOnlyDemoModels(demo.url, MODELS);
  email = `cli-route-${Date.now().toString(36)}@example.test`;
  await prisma.user.create({ data: { email, role: "user" } });
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await restoreModels();
  await demo.close();
  await prisma.$disconnect();
});

describe("switchboard route", () => {
  it("--route-only prints the GMTRouter result for one query and calls no model", async () => {
    const result = await switchboard(["route", "--user", email, "--query", QUESTION, "--route-only"]);
    expect(result.code, result.stderr).toBe(0);
    const [routed] = lines(result.stdout);
    expect(routed).toMatchObject({ query_text: QUESTION, fallback: false, user_preference: { ratings_used: 0, cold_start: true } });
    expect(MODELS).toContain(routed.model_name);
    expect(Object.keys(routed.scores).sort()).toEqual([...MODELS].sort());
    expect(routed.confidence).toBeCloseTo(routed.user_preference.probabilities[routed.model_name], 6);
    expect(routed).not.toHaveProperty("response");
  });

  it("answers through the routed model, streaming the reply to stderr, and falls back before the first token", async () => {
    const answered = await switchboard(["route", "--user", email, "--query", QUESTION]);
    expect(answered.code, answered.stderr).toBe(0);
    const [result] = lines(answered.stdout);
    expect(result).toMatchObject({ answered_by: result.model_name, status: "completed", failed_attempts: [] });
    expect(result.response).toContain(QUESTION);
    expect(answered.stderr).toContain(result.response);

    // The routed model's endpoint goes away: the next-ranked model answers, as in the chat.
    await prisma.llmModel.update({ where: { id: result.model_name }, data: { baseUrl: "http://127.0.0.1:9/v1" } });
    try {
      const fallback = await switchboard(["route", "--user", email, "--query", QUESTION]);
      expect(fallback.code, fallback.stderr).toBe(0);
      const [after] = lines(fallback.stdout);
      const runnerUp = Object.entries(after.scores).sort((a, b) => b[1] - a[1])[1][0];
      expect(after).toMatchObject({
        model_name: result.model_name,
        answered_by: runnerUp,
        status: "completed",
        failed_attempts: [{ model: result.model_name }],
      });
    } finally {
      await prisma.llmModel.update({ where: { id: result.model_name }, data: { baseUrl: demo.url } });
    }
  });

  it("exits 1 with the error in the result when no model can answer", async () => {
    const query = `${MODELS.map((m) => `[demo:fail@${m}]`).join("")} hello`;
    const result = await switchboard(["route", "--user", email, "--query", query]);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)[0]).toMatchObject({ status: "failed", failed_attempts: expect.any(Array) });
    expect(result.stderr).toContain("1 of 1 queries got no complete answer");
  });

  it("routes a --input file to --out (.json array), and names --input on a bad line", async () => {
    const input = join(dir, "queries.jsonl");
    writeFileSync(input, `${JSON.stringify("Explain TCP slow start")}\n${JSON.stringify({ query_text: QUESTION, conversation_history: ["I write Go"] })}\n`);
    const out = join(dir, "results.json");
    const result = await switchboard(["route", "--user", email, "--input", input, "--out", out, "--route-only"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("[2/2]");
    const results = JSON.parse(readFileSync(out, "utf8")) as RouteResult[];
    expect(results.map((r) => r.query_text)).toEqual(["Explain TCP slow start", QUESTION]);

    writeFileSync(input, `"fine"\n{"query_text": ""}\n`);
    const bad = await switchboard(["route", "--user", email, "--input", input, "--route-only"]);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining(`--input: ${input}: item 2: expected a non-empty string`) });
    const both = await switchboard(["route", "--user", email, "--input", input, "--query", "x"]);
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining("option '--query <text>' cannot be used with option '--input <file>'") });
    const nobody = await switchboard(["route", "--user", "nobody@example.test", "--query", "x", "--route-only"]);
    expect(nobody).toMatchObject({ code: 2, stderr: expect.stringContaining("--user: no user with email nobody@example.test") });
  });
});

describe("switchboard feedback", () => {
  it("stores a rating like an in-app one, and the user's next decision uses it", async () => {
    const recorded = await switchboard([
      "feedback",
      "--user",
      email,
      "--query",
      QUESTION,
      "--model",
      "demo-coder",
      "--rating",
      "4",
      "--response",
      "func sort() {}",
    ]);
    expect(recorded.code, recorded.stderr).toBe(0);
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    const ratings = await prisma.rating.findMany({ where: { userId: user.id }, include: { turn: true } });
    expect(ratings).toHaveLength(1);
    expect(ratings[0]).toMatchObject({ value: 0.8, source: "feedback", turn: { modelId: "demo-coder", content: "func sort() {}" } });

    const routed = await switchboard(["route", "--user", email, "--query", QUESTION, "--route-only"]);
    expect(lines(routed.stdout)[0].user_preference).toMatchObject({ ratings_used: 1, cold_start: false });
  });

  it("refuses a model that is not enabled and a rating out of range, storing nothing", async () => {
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });
    const before = await prisma.rating.count({ where: { userId: user.id } });
    const unknownModel = await switchboard(["feedback", "--user", email, "--query", QUESTION, "--model", "gpt-nowhere", "--rating", "5"]);
    expect(unknownModel).toMatchObject({ code: 2, stderr: expect.stringContaining('--model: "gpt-nowhere" is not an enabled model') });
    const outOfRange = await switchboard(["feedback", "--user", email, "--query", QUESTION, "--model", "demo-coder", "--rating", "5.5"]);
    expect(outOfRange).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("option '--rating <0-5>' argument '5.5' is invalid. expected a number from 0 to 5"),
    });
    expect(await prisma.rating.count({ where: { userId: user.id } })).toBe(before);
  });
});
