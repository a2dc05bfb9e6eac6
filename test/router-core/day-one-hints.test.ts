/**
 * A fresh install with the demo catalog and no ratings: the router goes by the catalog's hints (models.json
 * `examples`), so MT-Bench's coding questions go to demo-coder and its one-line factual questions to
 * demo-concise. The hints are the catalog's own example requests, none of them an MT-Bench question. Both builds
 * of the sentence encoder: the int8 one a fresh install serves and the float32 reference.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UseLiteOnnxEmbedder } from "@/router-core/embedder/use-lite-onnx";
import { USE_LITE_PRECISIONS } from "@/router-core/embedder/use-lite-precision";
import { InMemoryHistoryStore } from "@/router-core/memory-history-store";
import { OnnxRouter } from "@/router-core/onnx-router";
import type { Candidate } from "@/router-core/router";
import { DEFAULT_MODEL, REPO } from "./helpers";

type Question = { category: string; turns: string[] };
const questions: Question[] = readFileSync(join(REPO, "data/mtbench-human/questions.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line));
const catalog: Candidate[] = JSON.parse(readFileSync(join(REPO, "models.json"), "utf8")).models.map(
  (m: { id: string; description: string; examples: string[] }) => ({ id: m.id, description: m.description, examples: m.examples }),
);

const CODING = questions.filter((q) => q.category === "coding").map((q) => q.turns[0]);
/** One-line factual questions: first turns of the knowledge and reasoning categories that are one line of at most 100 characters and ask a question. */
const FACTUAL = questions
  .filter((q) => ["stem", "humanities", "reasoning"].includes(q.category))
  .map((q) => q.turns[0].trim())
  .filter((t) => !t.includes("\n") && t.length <= 100 && t.endsWith("?"));

describe.each(USE_LITE_PRECISIONS)("day one on the demo catalog: the hints decide while no one has rated (%s encoder)", (precision) => {
  let router: OnnxRouter;
  beforeAll(async () => {
    router = await OnnxRouter.create({
      modelDir: DEFAULT_MODEL,
      embedder: await UseLiteOnnxEmbedder.create({ precision }),
      historyStore: new InMemoryHistoryStore(),
      device: "cpu",
    });
  }, 60_000);
  afterAll(() => router.close());

  async function share(list: readonly string[], modelId: string) {
    const decisions = [];
    for (const message of list) decisions.push(await router.route({ userId: "new-user", message, candidates: catalog }));
    return { share: decisions.filter((d) => d.modelId === modelId).length / list.length, decisions };
  }

  it("sends at least 80 % of MT-Bench's coding questions to demo-coder, decided by the hints", async () => {
    expect(CODING).toHaveLength(10);
    const { share: coder, decisions } = await share(CODING, "demo-coder");
    expect(coder).toBeGreaterThanOrEqual(0.8);
    expect(decisions.filter((d) => d.modelId === "demo-coder").every((d) => d.basis === "hints")).toBe(true);
  });

  it("sends at least 80 % of MT-Bench's one-line factual questions to demo-concise", async () => {
    expect(FACTUAL.length).toBeGreaterThanOrEqual(6);
    expect((await share(FACTUAL, "demo-concise")).share).toBeGreaterThanOrEqual(0.8);
  });

  it("without the hints, the coding questions do not go to demo-coder", async () => {
    const bare = catalog.map(({ id, description }) => ({ id, description }));
    let coder = 0;
    for (const message of CODING) if ((await router.route({ userId: "new-user", message, candidates: bare })).modelId === "demo-coder") coder++;
    expect(coder / CODING.length).toBeLessThan(0.8);
  });

  it("explores a rarely rated model on the configured share of turns, and the decision says so", async () => {
    const explorer = await OnnxRouter.create({
      modelDir: DEFAULT_MODEL,
      embedder: await UseLiteOnnxEmbedder.create({ precision }),
      historyStore: new InMemoryHistoryStore(),
      device: "cpu",
      // Every turn explores; no population source, so every model counts as never rated.
      exploration: { share: 1, minRatings: 20, random: () => 0 },
    });
    try {
      const message = CODING[0];
      const routed = await router.route({ userId: "new-user", message, candidates: catalog });
      const explored = await explorer.route({ userId: "new-user", message, candidates: catalog });
      expect(explored.basis).toBe("exploration");
      expect(explored.modelId).not.toBe(routed.modelId);
      const tried = explored.candidates.find((c) => c.id === explored.modelId)!;
      expect(explored.confidence).toBe(tried.probability);
      expect(tried.probability).toBeLessThan(Math.max(...explored.candidates.map((c) => c.probability)));
    } finally {
      await explorer.close();
    }
  });
});
