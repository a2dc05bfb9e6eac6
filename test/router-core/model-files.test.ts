/**
 * The model files against contract.json: manifest validation, ONNX input/output checks, parity
 * with PyTorch (parity.json) within the contract tolerance, and typed errors for broken models.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CONTRACT } from "@/router-core/contract";
import { EmbedderMismatchError, ModelLoadError } from "@/router-core/errors";
import { loadManifest } from "@/router-core/manifest";
import { InMemoryHistoryStore } from "@/router-core/memory-history-store";
import { OnnxRouter } from "@/router-core/onnx-router";
import { parseParityFile, runParity } from "@/router-core/parity";
import { ModelRuntime } from "@/router-core/session";
import { copyModel, DEFAULT_MODEL, embedderFor, HashEmbedder, hasModel, TINY_MODEL, TOY_BAD_INPUT, TOY_MODEL } from "./helpers";

const temps: string[] = [];
const tmpCopy = (dir: string, edit?: (m: Record<string, unknown>) => void) => {
  const out = copyModel(dir, edit);
  temps.push(out);
  return out;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

async function expectLoadError(promise: Promise<unknown>, reason: string, pattern: RegExp) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(ModelLoadError.isInstance(err), `expected ModelLoadError, got ${String(err)}`).toBe(true);
  expect((err as ModelLoadError).reason).toBe(reason);
  expect((err as Error).message).toMatch(pattern);
}

const models = [
  { name: "toy fixture (router-core)", dir: TOY_MODEL },
  { name: "tiny fixture (training)", dir: TINY_MODEL },
  { name: "default model", dir: DEFAULT_MODEL },
];

describe.each(models)("$name", ({ dir }) => {
  const present = hasModel(dir);

  it.skipIf(!present)("manifest validates against the contract", async () => {
    const m = await loadManifest(dir);
    expect(m.contractVersion).toBe(CONTRACT.contractVersion);
    expect(m.embedder.dim).toBe(m.dims.embedding);
    expect(m.llms.length).toBeGreaterThan(0);
  });

  it.skipIf(!present)("ONNX inputs/outputs match the contract and parity.json holds within tolerance", async () => {
    const m = await loadManifest(dir);
    const runtime = await ModelRuntime.create({
      modelDir: dir,
      userEncoderFile: m.files.userEncoder,
      scorerFile: m.files.scorer,
      D: m.dims.embedding,
      H: m.dims.hidden,
      features: m.features,
      device: "cpu",
    });
    try {
      expect(m.files.parity, "manifest must list a parity file").toBeTruthy();
      const parity = parseParityFile(JSON.parse(readFileSync(join(dir, m.files.parity!), "utf8")), dir, m.files.parity!);
      const results = await runParity(runtime, parity);
      for (const r of results) {
        expect(r.userEncoderMaxAbsDiff, `${r.name} user_vec`).toBeLessThanOrEqual(CONTRACT.parity.tolerance);
        expect(r.scorerMaxAbsDiff, `${r.name} scores`).toBeLessThanOrEqual(CONTRACT.parity.tolerance);
      }
      // the router's cold-start vector comes from an empty graph (S = M = C = 0): it must equal the
      // trainer's no-history output, whatever llm_x that case carried
      const noHistory = parity.cases.find((c) => c.userEncoder.inputs.query_x.dims[0] === 0);
      expect(noHistory, "a parity case without history").toBeDefined();
      const D = m.dims.embedding;
      const empty = new Float32Array(0);
      const cold = await runtime.encodeUser({
        S: 0,
        M: 0,
        C: 0,
        D,
        queryX: empty,
        rating: empty,
        responseX: m.features.responseText ? empty : null,
        responseLen: m.features.answerLength ? empty : null,
        llmX: empty,
        sessionLlm: new BigInt64Array(0),
        chainSrc: new BigInt64Array(0),
        chainDst: new BigInt64Array(0),
        llmIds: [],
        interactionIds: [],
      });
      const want = noHistory!.userEncoder.expected.user_vec.data;
      expect(Math.max(...Array.from(cold, (v, i) => Math.abs(v - want[i])))).toBeLessThanOrEqual(CONTRACT.parity.tolerance);
      // the contract requires these situations among the cases
      expect(
        results.some((r) => r.S === 0),
        "a user with no history",
      ).toBe(true);
      expect(
        results.some((r) => r.S > 0 && r.C === 0),
        "an empty relation (no follows edges)",
      ).toBe(true);
      expect(
        results.some((r) => r.C > 0),
        "a multi-turn chain",
      ).toBe(true);
    } finally {
      await runtime.release();
    }
  });

  it.skipIf(!present)("loads as a router (parity verified at create) and routes", async () => {
    const router = await OnnxRouter.create({ modelDir: dir, embedder: embedderFor(dir), historyStore: new InMemoryHistoryStore(), device: "cpu" });
    try {
      const d = await router.route({ userId: "u", message: "Write a haiku about routers", candidates: router.catalog });
      expect(router.catalog.map((c) => c.id)).toContain(d.modelId);
      expect(d.candidates).toHaveLength(router.catalog.length);
      expect(d.candidates.every((c) => Number.isFinite(c.score))).toBe(true);
    } finally {
      await router.close();
    }
  });
});

describe("broken models fail at create with typed errors", () => {
  const store = new InMemoryHistoryStore();
  const embedder = embedderFor(TOY_MODEL);
  const create = (modelDir: string, e = embedder) => OnnxRouter.create({ modelDir, embedder: e, historyStore: store, device: "cpu" });

  it("missing directory / manifest", async () => {
    await expectLoadError(create(join(TOY_MODEL, "does-not-exist")), "missing", /manifest\.json/);
  });

  it("manifest that is not JSON", async () => {
    const dir = tmpCopy(TOY_MODEL);
    writeFileSync(join(dir, "manifest.json"), "{ not json");
    await expectLoadError(create(dir), "corrupt", /not valid JSON/);
  });

  it("wrong contract version", async () => {
    const dir = tmpCopy(TOY_MODEL, (m) => (m.contractVersion = CONTRACT.contractVersion + 1));
    await expectLoadError(create(dir), "contract-mismatch", /contractVersion/);
  });

  it("manifest without a required field", async () => {
    const dir = tmpCopy(TOY_MODEL, (m) => delete m.trainingData);
    await expectLoadError(create(dir), "contract-mismatch", /trainingData/);
  });

  it("llm embedding of the wrong width", async () => {
    const dir = tmpCopy(TOY_MODEL, (m) => ((m.llms as { embedding: number[] }[])[1].embedding = [1, 2, 3]));
    await expectLoadError(create(dir), "contract-mismatch", /expected 16/);
  });

  it("corrupt ONNX file", async () => {
    const dir = tmpCopy(TOY_MODEL);
    writeFileSync(join(dir, "scorer.onnx"), Buffer.from("definitely not a protobuf"));
    await expectLoadError(create(dir), "corrupt", /scorer\.onnx/);
  });

  it("missing ONNX file", async () => {
    const dir = tmpCopy(TOY_MODEL);
    rmSync(join(dir, "user_encoder.onnx"));
    await expectLoadError(create(dir), "missing", /user_encoder\.onnx/);
  });

  it("ONNX graph with a tensor name the contract doesn't know", async () => {
    await expectLoadError(create(TOY_BAD_INPUT), "contract-mismatch", /ratings/);
  });

  it("manifest dims that disagree with the graph", async () => {
    const dir = tmpCopy(TOY_MODEL, (m) => ((m.dims as { hidden: number }).hidden = 9));
    await expectLoadError(create(dir), "contract-mismatch", /user_vec|dim/);
  });

  it("parity.json the graph doesn't reproduce", async () => {
    const dir = tmpCopy(TOY_MODEL);
    const parity = JSON.parse(readFileSync(join(dir, "parity.json"), "utf8"));
    parity.cases[1].userEncoder.expected.user_vec.data[0] += 0.01;
    writeFileSync(join(dir, "parity.json"), JSON.stringify(parity));
    await expectLoadError(create(dir), "parity-failed", /tolerance/);
  });

  it("embedder id mismatch names both ids", async () => {
    const err = await create(TOY_MODEL, new HashEmbedder("openai:text-embedding-3-small@16", 16)).catch((e: unknown) => e);
    expect(EmbedderMismatchError.isInstance(err)).toBe(true);
    expect((err as EmbedderMismatchError).expectedEmbedderId).toBe("test-hash-16");
    expect((err as EmbedderMismatchError).actualEmbedderId).toBe("openai:text-embedding-3-small@16");
    expect((err as Error).message).toMatch(/test-hash-16.*openai:text-embedding-3-small@16/);
  });

  it("embedder dim mismatch", async () => {
    const err = await create(TOY_MODEL, new HashEmbedder("test-hash-16", 32)).catch((e: unknown) => e);
    expect(EmbedderMismatchError.isInstance(err)).toBe(true);
    expect((err as Error).message).toMatch(/dim 32/);
  });
});
