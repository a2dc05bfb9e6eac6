import { describe, expect, it } from "vitest";
import { CONTRACT } from "@/router-core/contract";
import {
  answerLength,
  answerLengthOfChars,
  argmax,
  buildChainEdges,
  buildQueryText,
  buildUserGraph,
  meanPairwiseWinRates,
  selectRecentHistory,
  selectRetrievalTurns,
  softmax,
} from "@/router-core/features";
import type { RatedInteraction } from "@/router-core/history-store";

const D = 4;
function vec(seed: number): Float32Array {
  return Float32Array.from({ length: D }, (_, i) => Math.sin(seed * 7 + i));
}
function it_(id: string, session: string, turn: number, model: string, rating: number, t: number): RatedInteraction {
  return { interactionId: id, chatSessionId: session, turnIndex: turn, queryText: `q ${id}`, modelId: model, rating, createdAt: new Date(t * 1000) };
}

const history: RatedInteraction[] = [
  it_("c", "s1", 1, "m2", 0.25, 30),
  it_("a", "s1", 0, "m1", 1, 10),
  it_("b", "s2", 0, "m2", 0, 20),
  it_("d", "s1", 2, "m1", 0.75, 40),
  it_("e", "s3", 5, "m3", 0.5, 50), // turn 4 missing: no follows edge
];

describe("selectRecentHistory", () => {
  it("keeps the most recent N, oldest first", () => {
    expect(selectRecentHistory(history, 3).map((h) => h.interactionId)).toEqual(["c", "d", "e"]);
    expect(selectRecentHistory(history, 100).map((h) => h.interactionId)).toEqual(["a", "b", "c", "d", "e"]);
    expect(selectRecentHistory(history, 0)).toEqual([]);
  });
  it("breaks createdAt ties by interactionId, independent of input order", () => {
    const tied = [it_("y", "s", 0, "m", 1, 5), it_("x", "s", 1, "m", 1, 5)];
    expect(selectRecentHistory(tied, 10).map((h) => h.interactionId)).toEqual(["x", "y"]);
    expect(selectRecentHistory([...tied].reverse(), 10).map((h) => h.interactionId)).toEqual(["x", "y"]);
  });
});

describe("buildChainEdges", () => {
  it("links turn t-1 to turn t within a conversation only", () => {
    const ordered = selectRecentHistory(history, 100); // a b c d e
    expect(buildChainEdges(ordered)).toEqual({ src: [0, 2], dst: [2, 3] });
  });
  it("prefers the same model's track when a turn has several rated answers", () => {
    const ordered = [it_("p1", "s", 0, "A", 1, 1), it_("p2", "s", 0, "B", 0, 2), it_("n1", "s", 1, "A", 1, 3), it_("n2", "s", 1, "C", 1, 4)];
    // n1 (A) follows p1 (A) only; n2 (C) has no same-model predecessor: follows both
    expect(buildChainEdges(ordered)).toEqual({ src: [0, 0, 1], dst: [2, 3, 3] });
  });
});

describe("buildUserGraph", () => {
  const ordered = selectRecentHistory(history, 100);
  const args = {
    ordered,
    D,
    queryEmbeddings: ordered.map((_, i) => vec(i)),
    responseEmbeddings: null,
    answerLength: false,
    llmEmbeddings: new Map([
      ["m1", vec(101)],
      ["m2", vec(102)],
      ["m3", vec(103)],
    ]),
  };

  it("numbers llm nodes by first reference and fills every tensor", () => {
    const g = buildUserGraph(args);
    expect([g.S, g.M, g.C, g.D]).toEqual([5, 3, 2, D]);
    expect(g.llmIds).toEqual(["m1", "m2", "m3"]);
    expect(Array.from(g.sessionLlm, Number)).toEqual([0, 1, 1, 0, 2]);
    expect(Array.from(g.rating)).toEqual([1, 0, 0.25, 0.75, 0.5]);
    expect(Array.from(g.chainSrc, Number)).toEqual([0, 2]);
    expect(Array.from(g.chainDst, Number)).toEqual([2, 3]);
    expect(Array.from(g.queryX.subarray(3 * D, 4 * D))).toEqual(Array.from(vec(3)));
    expect(Array.from(g.llmX.subarray(2 * D, 3 * D))).toEqual(Array.from(vec(103)));
    expect(g.responseX).toBeNull();
  });

  it("is deterministic: same input in any order gives identical tensors", () => {
    const shuffled = selectRecentHistory([...history].reverse(), 100);
    const g1 = buildUserGraph(args);
    const g2 = buildUserGraph({ ...args, ordered: shuffled });
    expect(shuffled.map((h) => h.interactionId)).toEqual(ordered.map((h) => h.interactionId));
    for (const key of ["queryX", "rating", "llmX", "sessionLlm", "chainSrc", "chainDst"] as const) {
      expect(Buffer.from(g2[key].buffer).equals(Buffer.from(g1[key].buffer))).toBe(true);
    }
  });

  it("rejects a missing llm embedding or a wrong width", () => {
    expect(() => buildUserGraph({ ...args, llmEmbeddings: new Map([["m1", vec(1)]]) })).toThrow(/m2/);
    expect(() => buildUserGraph({ ...args, queryEmbeddings: ordered.map(() => new Float32Array(D + 1)) })).toThrow(/expected 4/);
  });

  it("reads the rated answers' lengths only for a model that takes them", () => {
    const texts = ["Paris.", null, "x".repeat(400), "", "Sure!"];
    const withText = ordered.map((it, i) => ({ ...it, responseText: texts[i] }));
    const g = buildUserGraph({ ...args, ordered: withText, answerLength: true });
    expect(Array.from(g.responseLen!)).toEqual(Array.from(Float32Array.from(texts, answerLength)));
    expect(g.responseLen![1]).toBe(0); // not stored: the average answer
    expect(g.responseLen![2]).toBeGreaterThan(g.responseLen![0]);
    expect(buildUserGraph({ ...args, ordered: withText }).responseLen).toBeNull();
  });

  it("takes an answer's stored length over its text when the store gave one", () => {
    const withLength = ordered.map((it, i) => ({ ...it, responseText: i === 0 ? "short" : null, responseChars: i === 0 ? 400 : i === 1 ? 0 : null }));
    const g = buildUserGraph({ ...args, ordered: withLength, answerLength: true });
    expect(g.responseLen![0]).toBe(Math.fround(answerLength("x".repeat(400))));
    expect(g.responseLen![1]).toBe(Math.fround(answerLength(""))); // an empty answer, not a missing one
    expect(g.responseLen![2]).toBe(0);
  });

  it("gives an empty graph for an empty history", () => {
    const g = buildUserGraph({ ...args, ordered: [], queryEmbeddings: [] });
    expect([g.S, g.M, g.C, g.queryX.length, g.llmX.length]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe("buildQueryText", () => {
  const sep = CONTRACT.queryText.separator;
  it("current_only is the message unchanged", () => {
    expect(buildQueryText({ mode: "current_only", current: "now", earlier: ["a", "b"] })).toBe("now");
  });
  it("full_context joins oldest first and keeps the last maxChars", () => {
    expect(buildQueryText({ mode: "full_context", current: "now", earlier: ["a", "b"] })).toBe(["a", "b", "now"].join(sep));
    const long = "x".repeat(CONTRACT.queryText.maxChars);
    const text = buildQueryText({ mode: "full_context", current: "END", earlier: [long] });
    expect(text.length).toBe(CONTRACT.queryText.maxChars);
    expect(text.endsWith(`${sep}END`)).toBe(true);
  });
  it("retrieval joins the retrieved turns oldest first, current last", () => {
    expect(buildQueryText({ mode: "retrieval", current: "now", earlier: ["a", "b", "c"], retrieved: [2, 0] })).toBe(["c", "a", "now"].join(sep));
  });
  it("selectRetrievalTurns picks the k most similar, returned in conversation order", () => {
    const current = Float32Array.from([1, 0, 0, 0]);
    const earlier = [Float32Array.from([0, 1, 0, 0]), Float32Array.from([1, 0.1, 0, 0]), Float32Array.from([0, 0, 1, 0]), Float32Array.from([0.9, 0, 0.3, 0])];
    expect(selectRetrievalTurns(current, earlier, 2)).toEqual([1, 3]);
    expect(selectRetrievalTurns(current, earlier, 0)).toEqual([]);
  });
});

describe("score helpers", () => {
  it("softmax sums to 1 and is shift invariant", () => {
    const p = softmax([1, 2, 3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const [i, q] of softmax([1001, 1002, 1003]).entries()) expect(q).toBeCloseTo(p[i], 12);
    expect(p[2]).toBeGreaterThan(p[1]);
  });
  it("mean pairwise win rates follow sigmoid of score differences", () => {
    const w = meanPairwiseWinRates([0, Math.log(3)]);
    expect(w[1]).toBeCloseTo(0.75, 12);
    expect(w[0]).toBeCloseTo(0.25, 12);
    expect(meanPairwiseWinRates([5])).toEqual([1]);
  });
  it("argmax returns the first of tied maxima", () => {
    expect(argmax([1, 3, 3, 2])).toBe(1);
  });
});

describe("answerLength", () => {
  // The same values as test/training/test_contract.py: both sides compute contract.json "answerLength" alike.
  it("is the standardised log of the code-point count, 0 for an answer not stored", () => {
    const { mean, std } = CONTRACT.answerLength;
    expect(answerLength(null)).toBe(0);
    expect(answerLength(undefined)).toBe(0);
    expect(answerLength("")).toBeCloseTo(-mean / std, 12);
    expect(answerLength("héllo \u{1F44B}")).toBeCloseTo((Math.log(8) - mean) / std, 12); // 7 code points, 8 UTF-16 units
    expect(answerLength("héllo \u{1F44B}")).toBeCloseTo(-2.8004, 4);
    expect(answerLengthOfChars(7)).toBe(answerLength("héllo \u{1F44B}"));
  });
});
