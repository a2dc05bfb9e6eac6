import { describe, expect, it } from "vitest";
import type { LlmModelRow } from "@/lib/db/queries/models";
import { AppError } from "@/lib/errors";
import { checkModelChoice, fallbackOrder, type ModelChoice, routeAheadOfCatalog, type TurnRoute, toDecisionRecord } from "@/lib/turn/route-turn";
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

describe("routeAheadOfCatalog", () => {
  /** Records the catalogs it was asked to route on; answers with the first model of each. */
  const router = () => {
    const calls: string[][] = [];
    const routeOn = async (choice: ModelChoice) => {
      calls.push(choice.models.map((m) => m.id));
      return route(decision({ modelId: choice.models[0].id }), choice.picked ?? choice.models[0]);
    };
    return { calls, routeOn };
  };

  it("routes on the models read last, before the turn's own read returns, and keeps that route when the read agrees", async () => {
    const { calls, routeOn } = router();
    let readDone!: (choice: ModelChoice) => void;
    const routed = routeAheadOfCatalog({ known: models, choice: new Promise((resolve) => (readDone = resolve)), route: routeOn });
    expect(calls).toEqual([["a", "b", "c"]]);
    readDone({ models: models.map((m) => ({ ...m })) });
    expect((await routed).model.id).toBe("a");
    expect(calls).toHaveLength(1);
  });

  it("routes again on the turn's own read when an admin changed the catalog meanwhile", async () => {
    const { calls, routeOn } = router();
    const described = models.map((m) => (m.id === "b" ? { ...m, description: "now for code" } : m));
    const disabled = [models[1], models[2]];
    expect((await routeAheadOfCatalog({ known: models, choice: Promise.resolve({ models: described }), route: routeOn })).model.id).toBe("a");
    expect((await routeAheadOfCatalog({ known: models, choice: Promise.resolve({ models: disabled }), route: routeOn })).model.id).toBe("b");
    expect(calls).toEqual([
      ["a", "b", "c"],
      ["a", "b", "c"],
      ["a", "b", "c"],
      ["b", "c"],
    ]);
  });

  it("waits for the read when nothing was read before, or when the named model is not among the models read last", async () => {
    const { calls, routeOn } = router();
    await routeAheadOfCatalog({ known: null, choice: Promise.resolve({ models }), route: routeOn });
    const added = [...models, model("d")];
    const named = await routeAheadOfCatalog({ known: models, choice: Promise.resolve({ models: added, picked: added[3] }), modelId: "d", route: routeOn });
    expect(named.model.id).toBe("d");
    expect(calls).toEqual([
      ["a", "b", "c"],
      ["a", "b", "c", "d"],
    ]);
  });

  it("refuses the turn when its own read refuses the choice, even though a route on the models read last was under way", async () => {
    const { routeOn } = router();
    const refused = new AppError("bad_request:model", 'Model "a" is not available.');
    await expect(routeAheadOfCatalog({ known: models, choice: Promise.reject(refused), modelId: "a", route: routeOn })).rejects.toBe(refused);
  });
});
