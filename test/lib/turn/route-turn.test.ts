import { describe, expect, it } from "vitest";
import type { LlmModelRow } from "@/lib/db/queries/models";
import { AppError } from "@/lib/errors";
import { checkModelChoice, fallbackOrder, type TurnRoute, toDecisionRecord } from "@/lib/turn/route-turn";
import type { RouteDecision } from "@/router-core";

const model = (id: string): LlmModelRow => ({
  id,
  displayName: id.toUpperCase(),
  baseUrl: "http://127.0.0.1:1/v1",
  apiKeyEnv: null,
  providerModelId: id,
  examples: [],
  description: `${id} model`,
  inputPricePerM: 0,
  outputPricePerM: 0,
  enabled: true,
});
const models = ["a", "b", "c"].map(model);

const decision = (overrides: Partial<RouteDecision> = {}): RouteDecision => ({
  modelId: "b",
  candidates: [
    { id: "a", score: 0.1, probability: 0.2, winRate: 0.4, unseen: false, adjustment: 0, population: 0 },
    { id: "b", score: 1.2, probability: 0.5, winRate: 0.7, unseen: false, adjustment: 0.3, population: 0.1 },
    { id: "c", score: 0.6, probability: 0.3, winRate: 0.4, unseen: true, adjustment: -0.3, population: -0.1 },
  ],
  confidence: 0.5,
  coldStart: { ratingsUsed: 4, usedColdStartVector: false, personalization: true },
  routerVersion: "v1",
  executionProvider: "cpu",
  queryMode: "current_only",
  queryText: "hi",
  queryEmbedding: null,
  embedderId: "use-lite-512",
  embeddingKey: "use-lite-512:current_only",
  userCache: "hit",
  timings: { embedMs: 1, historyLoadMs: 2, userEncodeMs: 0, scoreMs: 1, totalMs: 4 },
  basis: "personal",
  fallback: false,
  ...overrides,
});

const route = (d: RouteDecision, chosen: LlmModelRow, opts = { picked: false, compare: false }): TurnRoute => ({
  model: chosen,
  decision: toDecisionRecord(d, models, chosen, opts),
  query: { text: d.queryText, embedding: null, embeddingKey: d.embeddingKey },
});

describe("checkModelChoice", () => {
  it("returns the pick, nothing without one, and refuses an unknown pick or an empty catalog", () => {
    expect(checkModelChoice(models, "c")?.id).toBe("c");
    expect(checkModelChoice(models)).toBeUndefined();
    expect(() => checkModelChoice(models, "zzz")).toThrow(expect.objectContaining({ type: "bad_request", message: 'Model "zzz" is not available.' }));
    expect(() => checkModelChoice([], undefined)).toThrow(expect.objectContaining({ type: "unavailable" }));
  });
  it("reports an unknown pick the way the caller's wire does", () => {
    const notFound = (id: string) => new AppError("not_found:model", `no ${id}`);
    expect(() => checkModelChoice(models, "zzz", notFound)).toThrow(expect.objectContaining({ type: "not_found", message: "no zzz" }));
  });
});

describe("toDecisionRecord", () => {
  it("keeps the router's scores, what the ratings changed and the timings, and names the router's own pick", () => {
    const r = toDecisionRecord(decision(), models, models[1], { picked: false, compare: false });
    expect(r).toMatchObject({ chosenModelId: "b", routerVersion: "v1", confidence: 0.5, ratingsUsed: 4, coldStart: false, override: false, fallback: false });
    expect(r.candidates.map((c) => [c.modelId, c.probability, c.adjustment, c.unseen])).toEqual([
      ["a", 0.2, 0, false],
      ["b", 0.5, 0.3, false],
      ["c", 0.3, -0.3, true],
    ]);
    expect(r.timings).toMatchObject({ userCache: "hit", routerPick: "b", totalMs: 4 });
    expect(r).not.toHaveProperty("compareSide");
  });
  it("records a user's pick as an override, but a compare side as a side, never an override", () => {
    expect(toDecisionRecord(decision(), models, models[2], { picked: true, compare: false })).toMatchObject({ chosenModelId: "c", override: true });
    expect(toDecisionRecord(decision(), models, models[1], { picked: true, compare: true })).toMatchObject({ override: false, compareSide: "router" });
    expect(toDecisionRecord(decision(), models, models[0], { picked: true, compare: true })).toMatchObject({ override: false, compareSide: "challenger" });
  });
  it("on a fallback decision, records the chosen model as the only ranked candidate and why", () => {
    const r = toDecisionRecord(
      decision({ fallback: true, candidates: [], routerVersion: null, executionProvider: null, fallbackReason: "no model loaded" }),
      models,
      models[0],
      { picked: false, compare: false },
    );
    expect(r.candidates.map((c) => [c.modelId, c.probability])).toEqual([
      ["a", 1],
      ["b", 0],
      ["c", 0],
    ]);
    expect(r).toMatchObject({ routerVersion: "fallback", executionProvider: "none", fallback: true, timings: { fallbackReason: "no model loaded" } });
  });
});

describe("fallbackOrder", () => {
  it("tries the chosen model first, then the others by router probability", () => {
    expect(fallbackOrder(route(decision(), models[1]), models).map((m) => m.id)).toEqual(["b", "c", "a"]);
  });
  it("never replaces a model the user picked or a compare side", () => {
    expect(fallbackOrder(route(decision(), models[0], { picked: true, compare: false }), models).map((m) => m.id)).toEqual(["a"]);
    expect(fallbackOrder(route(decision(), models[2], { picked: true, compare: true }), models).map((m) => m.id)).toEqual(["c"]);
  });
  it("skips candidates that are no longer enabled", () => {
    const enabled = [models[0], models[1]];
    expect(fallbackOrder(route(decision(), models[1]), enabled).map((m) => m.id)).toEqual(["b", "a"]);
  });
});
