import { describe, expect, it } from "vitest";
import type { RatedInteraction } from "@/router-core/history-store";
import { buildEvidence, onlineAdjustments, rowDots } from "@/router-core/online-preference";
import { POPULATION_PRIOR_DEFAULTS, populationAdjustments } from "@/router-core/population-prior";

const interaction = (modelId: string, rating: number): RatedInteraction => ({
  interactionId: `${modelId}-${rating}`,
  chatSessionId: "c",
  turnIndex: 0,
  queryText: "q",
  modelId,
  rating,
  createdAt: new Date(0),
});
const v = (...xs: number[]) => Float32Array.from(xs);

describe("online preference layer", () => {
  it("computes beta * sum w (r - 1/2) / (kappa + sum w) with w = max(0, cos)^2", () => {
    // q1 parallel to the query (w = 1), q2 at 60 degrees (cos 1/2, w = 1/4), q3 opposite (w = 0).
    const history = [interaction("a", 1), interaction("a", 0), interaction("b", 0)];
    const evidence = buildEvidence(history, [v(1, 0), v(0.5, Math.sqrt(3) / 2), v(-1, 0)], 2);
    const [a, b, c] = onlineAdjustments(evidence, v(2, 0), ["a", "b", "c"], { beta: 4, kappa: 1 });
    // a: (1 * 0.5 + 0.25 * -0.5) / (1 + 1.25) * 4 = 0.375 / 2.25 * 4
    expect(a).toBeCloseTo((4 * 0.375) / 2.25, 2);
    expect(b).toBe(0);
    expect(c).toBe(0);
  });

  it("moves scores in the direction of the user's own ratings, more with more evidence", () => {
    const q = v(1, 0, 0);
    const likesA = (n: number) =>
      buildEvidence(
        [...Array(n)].flatMap(() => [interaction("a", 1), interaction("b", 0)]),
        [...Array(2 * n)].map(() => q),
        3,
      );
    const likesB = buildEvidence([interaction("a", 0), interaction("b", 1)], [q, q], 3);
    const gap = (e: ReturnType<typeof buildEvidence>) => {
      const [a, b] = onlineAdjustments(e, q, ["a", "b"], { beta: 4, kappa: 1 });
      return a - b;
    };
    expect(gap(likesA(1))).toBeGreaterThan(0);
    expect(gap(likesB)).toBeLessThan(0);
    expect(gap(likesA(5))).toBeGreaterThan(gap(likesA(1)));
    expect(gap(likesA(1000))).toBeLessThanOrEqual(4);
  });

  it("is the identity without evidence, with beta 0, or for a zero query", () => {
    const evidence = buildEvidence([interaction("a", 1)], [v(1, 0)], 2);
    expect(onlineAdjustments(null, v(1, 0), ["a"], { beta: 4, kappa: 1 })).toEqual([0]);
    expect(onlineAdjustments(evidence, v(1, 0), ["a"], { beta: 0, kappa: 1 })).toEqual([0]);
    expect(onlineAdjustments(evidence, v(0, 0), ["a"], { beta: 4, kappa: 1 })).toEqual([0]);
  });

  it("gives the same adjustments from the user's dots computed once by the router as from its own", () => {
    const history = [interaction("a", 1), interaction("b", 0.25), interaction("a", 0.5)];
    const own = buildEvidence(history, [v(1, 0.2, 0), v(0.1, 1, 0.3), v(0.6, 0.6, -0.2)], 3);
    const query = v(0.8, 0.3, 0.1);
    const dots = rowDots(own, query);
    // The dots of another query: used where given, so the shared ones must be this query's.
    const elsewhere = rowDots(own, v(0, 0.2, 1));
    const online = { beta: 4, kappa: 1 };
    expect(onlineAdjustments(own, query, ["a", "b"], online, dots)).toEqual(onlineAdjustments(own, query, ["a", "b"], online));
    expect(onlineAdjustments(own, query, ["a", "b"], online, elsewhere)).not.toEqual(onlineAdjustments(own, query, ["a", "b"], online));
    const population = buildEvidence([interaction("a", 0), interaction("b", 1)], [v(0.9, 0.1, 0), v(0.7, 0.2, 0.1)], 3);
    const prior = (ownDots?: Float64Array) =>
      populationAdjustments({ ...population, ratingCounts: new Map() }, query, ["a", "b"], null, POPULATION_PRIOR_DEFAULTS, own, undefined, ownDots).total;
    expect(prior(dots)).toEqual(prior());
    expect(prior(elsewhere)).not.toEqual(prior());
  });

  it("keeps the most recent 100 interactions, quantised without losing the cosine", () => {
    const history = [...Array(150)].map((_, i) => interaction(i < 50 ? "old" : "new", 1));
    const evidence = buildEvidence(
      history,
      history.map(() => v(0.3, -0.4, 0.5)),
      3,
    );
    expect(evidence.modelIds).toHaveLength(100);
    expect(evidence.modelIds.every((id) => id === "new")).toBe(true);
    const [adj] = onlineAdjustments(evidence, v(0.3, -0.4, 0.5), ["new"], { beta: 4, kappa: 1 });
    expect(adj).toBeCloseTo((4 * 0.5 * 100) / 101, 1);
  });
});
