import { describe, expect, it } from "vitest";
import { activationDecision } from "@/lib/router/retrain";

describe("activationDecision", () => {
  it("activates only a version that beats the active one by the margin, and says why in every case", () => {
    expect(activationDecision({ gain: 0.05, margin: 0.01 })).toEqual({
      activate: true,
      reason: "activated: held-out pair accuracy +5.0 points against the version it replaced (margin +1.0 points)",
    });
    expect(activationDecision({ gain: 0.005, margin: 0.01 })).toEqual({
      activate: false,
      reason: "not activated: held-out pair accuracy +0.5 points, below the margin of +1.0 points",
    });
    expect(activationDecision({ gain: 0, margin: 0 })).toMatchObject({ activate: false, reason: expect.stringMatching(/not better/) });
    expect(activationDecision({ gain: -0.02, margin: 0 })).toMatchObject({ activate: false, reason: expect.stringMatching(/−2\.0 points/) });
    expect(activationDecision({ gain: null, margin: 0 })).toMatchObject({ activate: false, reason: expect.stringMatching(/no held-out comparisons/) });
    expect(activationDecision({ gain: 0.3, margin: undefined })).toMatchObject({ activate: false, reason: expect.stringMatching(/explicit/) });
  });
});
