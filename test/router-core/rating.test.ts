import { describe, expect, it } from "vitest";
import { InvalidInputError } from "@/router-core/errors";
import { ratingFromFeedback0to5, ratingFromPairwise, ratingFromSignal, ratingFromStars, ratingFromThumbs } from "@/router-core/rating";

describe("rating mapping (contract.json rating)", () => {
  it("stars 1..5 -> (s-1)/4", () => {
    expect([1, 2, 3, 4, 5].map(ratingFromStars)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
  it("thumbs, feedback 0..5 and pairwise", () => {
    expect(ratingFromThumbs("up")).toBe(1);
    expect(ratingFromThumbs("down")).toBe(0);
    expect(ratingFromFeedback0to5(4)).toBeCloseTo(0.8, 12);
    expect(ratingFromFeedback0to5(0)).toBe(0);
    expect(ratingFromPairwise("winner")).toBe(1);
    expect(ratingFromPairwise("loser")).toBe(0);
    expect(ratingFromPairwise("tie")).toBe(0.5);
  });
  it("stars win over thumbs; no signal -> null", () => {
    expect(ratingFromSignal({ stars: 2, thumbs: "up" })).toBe(0.25);
    expect(ratingFromSignal({ thumbs: "down" })).toBe(0);
    expect(ratingFromSignal({ stars: null, thumbs: null })).toBeNull();
  });
  it("rejects out-of-range values with InvalidInputError", () => {
    for (const bad of [0, 6, 2.5, Number.NaN]) expect(() => ratingFromStars(bad)).toThrow(InvalidInputError);
    for (const bad of [-0.1, 5.01, Number.POSITIVE_INFINITY]) {
      let caught: unknown;
      try {
        ratingFromFeedback0to5(bad);
      } catch (e) {
        caught = e;
      }
      expect(InvalidInputError.isInstance(caught)).toBe(true);
      expect((caught as InvalidInputError).field).toBe("rating");
    }
  });
});
