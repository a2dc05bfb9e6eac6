import { describe, expect, it } from "vitest";
import { groupBySimilarLength, padTokenBatch } from "@/router-core/embedder/token-batches";

describe("padTokenBatch", () => {
  it("pads rows with 0 to the longest and records lengths", () => {
    const b = padTokenBatch([[5, 6, 7], [], [9]]);
    expect(b).toMatchObject({ size: 3, seq: 3 });
    expect(Array.from(b.tokenIds)).toEqual([5n, 6n, 7n, 0n, 0n, 0n, 9n, 0n, 0n]);
    expect(Array.from(b.lengths)).toEqual([3n, 0n, 1n]);
  });
  it("keeps at least one position for a batch of empty texts", () => {
    expect(padTokenBatch([[], []])).toMatchObject({ size: 2, seq: 1 });
  });
});

describe("groupBySimilarLength", () => {
  it("puts every index in exactly one group and keeps padding within the share", () => {
    const lengths = [3, 128, 40, 41, 0, 39, 120, 5, 4, 42, 0, 127];
    const groups = groupBySimilarLength(lengths, 0.25);
    expect(groups.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    for (const g of groups) {
      const ns = g.map((i) => Math.max(1, lengths[i]));
      expect(g.length * Math.max(...ns)).toBeLessThanOrEqual(1.25 * ns.reduce((a, b) => a + b) + 1e-9);
    }
    expect(groups.find((g) => g.includes(2))).toEqual(expect.arrayContaining([2, 3, 5, 9]));
  });
  it("keeps equal lengths in one group", () => {
    expect(groupBySimilarLength([10, 10, 10, 10])).toEqual([[0, 1, 2, 3]]);
    expect(groupBySimilarLength([])).toEqual([]);
  });
});
