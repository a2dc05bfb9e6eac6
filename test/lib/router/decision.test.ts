import { describe, expect, it } from "vitest";
import { parseCompareSide, parseDecisionCandidates } from "@/lib/router/decision";

describe("the stored decision", () => {
  it("reads candidates as route-turn records them, optional fields included", () => {
    const stored = [
      { modelId: "a", score: 0.7, probability: 0.6, winRate: 0.55, unseen: false, adjustment: 0.1 },
      { modelId: "b", score: 0.3, probability: 0.4 },
    ];
    expect(parseDecisionCandidates(stored)).toEqual(stored);
  });

  it("reads anything else as no candidates, so a page showing them still renders", () => {
    expect(parseDecisionCandidates(null)).toEqual([]);
    expect(parseDecisionCandidates({ modelId: "a" })).toEqual([]);
    expect(parseDecisionCandidates([{ modelId: "a", score: "high", probability: 1 }])).toEqual([]);
    expect(parseDecisionCandidates([{ modelId: "a" }])).toEqual([]);
  });

  it("reads the compare side column as a known side or none", () => {
    expect(parseCompareSide("router")).toBe("router");
    expect(parseCompareSide("challenger")).toBe("challenger");
    expect(parseCompareSide(null)).toBeNull();
    expect(parseCompareSide("left")).toBeNull();
  });
});
