import { describe, expect, it } from "vitest";
import { buildEvidence } from "@/router-core/online-preference";
import { explorationPick, HintEvidenceCache, hintEvidence, type PopulationEvidence, populationAdjustments } from "@/router-core/population-prior";

const v = (...xs: number[]) => Float32Array.from(xs);
const OPTIONS = { beta: 8, kappa: 2, hintWeight: 2, power: 2, userKappa: 1 };

/** `n` ratings of `modelId` on query `q`, all `rating`. */
function rows(modelId: string, q: Float32Array, rating: number, n: number) {
  return Array.from({ length: n }, () => ({ modelId, rating, q }));
}

function evidence(list: { modelId: string; rating: number; q: Float32Array }[], counts: Record<string, number> = {}): PopulationEvidence {
  return {
    ...buildEvidence(
      list,
      list.map((r) => r.q),
      list[0]?.q.length ?? 2,
      Number.POSITIVE_INFINITY,
    ),
    ratingCounts: new Map(Object.entries(counts)),
  };
}

const CODE = v(1, 0);
const FACTS = v(0, 1);

/** The candidates' hints, given per candidate (in `ids` order) as the embeddings of their example requests. */
function hints(ids: readonly string[], perCandidate: readonly Float32Array[][]) {
  const examples = ids.flatMap((modelId, j) => (perCandidate[j] ?? []).map(() => ({ modelId })));
  return hintEvidence(examples, perCandidate.flat(), 2);
}

describe("population prior", () => {
  it("is all zeros without ratings or hints, and with beta 0", () => {
    expect(populationAdjustments(null, CODE, ["a", "b"], hints(["a", "b"], [[], []]), OPTIONS).total).toEqual([0, 0]);
    const hinted = populationAdjustments(null, CODE, ["a", "b"], hints(["a", "b"], [[CODE], []]), { ...OPTIONS, beta: 0 });
    expect(hinted.total).toEqual([0, 0]);
  });

  it("follows the hints while no one has rated: a model is favoured on requests like its examples, centred over the candidates", () => {
    const onCode = populationAdjustments(null, CODE, ["coder", "concise"], hints(["coder", "concise"], [[CODE], [FACTS]]), OPTIONS);
    expect(onCode.total[0]).toBeGreaterThan(0.5);
    expect(onCode.total[0] + onCode.total[1]).toBeCloseTo(0, 9);
    expect(onCode.ratingsOnly).toEqual([0, 0]);
    const onFacts = populationAdjustments(null, FACTS, ["coder", "concise"], hints(["coder", "concise"], [[CODE], [FACTS]]), OPTIONS);
    expect(onFacts.total[1]).toBeGreaterThan(onFacts.total[0]);
  });

  it("lets ratings win over hints as they arrive", () => {
    // The admin says "coder" is for code; everyone rates its code answers low and "concise"'s high.
    const coderHints = hints(["coder", "concise"], [[CODE], []]);
    const gap = (n: number) => {
      const e = n === 0 ? null : evidence([...rows("coder", CODE, 0, n), ...rows("concise", CODE, 1, n)]);
      const { total } = populationAdjustments(e, CODE, ["coder", "concise"], coderHints, OPTIONS);
      return total[0] - total[1];
    };
    expect(gap(0)).toBeGreaterThan(0);
    expect(gap(2)).toBeLessThan(gap(0));
    expect(gap(20)).toBeLessThan(-3);
  });

  it("fades for a user with ratings of their own on questions like this one, and not for their other questions", () => {
    const coderHints = hints(["coder", "concise"], [[CODE], []]);
    const own = buildEvidence(rows("concise", CODE, 1, 3), [CODE, CODE, CODE], 2);
    const forUser = populationAdjustments(null, CODE, ["coder", "concise"], coderHints, OPTIONS, own);
    const forNewUser = populationAdjustments(null, CODE, ["coder", "concise"], coderHints, OPTIONS);
    expect(forUser.forNewUser).toEqual(forNewUser.total);
    // three ratings at cos 1 weigh 3: the population's say drops to κ_u / (κ_u + 3) = 1/4
    expect(forUser.total[0]).toBeCloseTo(forNewUser.total[0] / 4, 9);
    const elsewhere = populationAdjustments(null, FACTS, ["coder", "concise"], coderHints, OPTIONS, own);
    expect(elsewhere.total).toEqual(populationAdjustments(null, FACTS, ["coder", "concise"], coderHints, OPTIONS).total);
  });

  it("reads ratings on similar questions more than on unrelated ones", () => {
    // On code "a" is rated well and "b" badly; on facts the opposite.
    const e = evidence([...rows("a", CODE, 1, 10), ...rows("b", CODE, 0, 10), ...rows("a", FACTS, 0, 10), ...rows("b", FACTS, 1, 10)]);
    const onCode = populationAdjustments(e, v(0.9, 0.1), ["a", "b"], null, OPTIONS).total;
    const onFacts = populationAdjustments(e, v(0.1, 0.9), ["a", "b"], null, OPTIONS).total;
    expect(onCode[0]).toBeGreaterThan(onCode[1]);
    expect(onFacts[1]).toBeGreaterThan(onFacts[0]);
  });
});

describe("exploration", () => {
  const counts = new Map([
    ["popular", 500],
    ["rare", 3],
  ]);
  const sequence = (...xs: number[]) => {
    let i = 0;
    return () => xs[i++ % xs.length];
  };

  it("tries a rarely rated candidate other than the pick on the configured share of turns", () => {
    expect(explorationPick(["popular", "rare"], 0, counts, { share: 0.1, minRatings: 20, random: sequence(0.05, 0) })).toBe(1);
    expect(explorationPick(["popular", "rare"], 0, counts, { share: 0.1, minRatings: 20, random: sequence(0.5) })).toBeNull();
  });

  it("never explores when off, when every other candidate is well rated, or away from a rare pick to itself", () => {
    expect(explorationPick(["popular", "rare"], 0, counts, { share: 0, minRatings: 20, random: sequence(0) })).toBeNull();
    expect(explorationPick(["popular", "rare"], 1, counts, { share: 1, minRatings: 20, random: sequence(0) })).toBeNull();
    expect(explorationPick(["popular", "rare"], 0, counts, { share: 1, minRatings: 2, random: sequence(0) })).toBeNull();
  });

  it("counts a model the deployment never rated as rare", () => {
    expect(explorationPick(["popular", "new"], 0, counts, { share: 1, minRatings: 1, random: sequence(0) })).toBe(1);
    expect(explorationPick(["popular", "new"], 0, undefined, { share: 1, minRatings: 1, random: sequence(0) })).toBe(1);
  });
});

describe("HintEvidenceCache", () => {
  /** Embeds "code…" texts as CODE and the rest as FACTS, counting the texts it was asked for. */
  const embedder = () => {
    const asked: string[][] = [];
    const embed = async (texts: string[]) => {
      asked.push(texts);
      return texts.map((t) => (t.startsWith("code") ? CODE : FACTS));
    };
    return { asked, embed };
  };
  const catalog = [
    { modelId: "coder", example: "code a parser" },
    { modelId: "concise", example: "capital of Peru" },
  ];

  it("embeds the examples once while they stay the same, and the evidence is hintEvidence's", async () => {
    const cache = new HintEvidenceCache();
    const { asked, embed } = embedder();
    const first = await cache.evidence(catalog, embed, 2);
    expect(
      await cache.evidence(
        catalog.map((e) => ({ ...e })),
        embed,
        2,
      ),
    ).toBe(first);
    expect(asked).toEqual([["code a parser", "capital of Peru"]]);
    expect(first).toEqual(hintEvidence(catalog, [CODE, FACTS], 2));
  });

  it("rebuilds when an example or the model it is for changes, and has none without examples", async () => {
    const cache = new HintEvidenceCache();
    const { asked, embed } = embedder();
    await cache.evidence(catalog, embed, 2);
    const reassigned = await cache.evidence([{ ...catalog[0], modelId: "concise" }, catalog[1]], embed, 2);
    expect(reassigned?.modelIds).toEqual(["concise", "concise"]);
    const edited = await cache.evidence([catalog[0], { modelId: "concise", example: "code golf" }], embed, 2);
    expect(Array.from(edited!.queries)).toEqual([127, 0, 127, 0]);
    expect(await cache.evidence([], embed, 2)).toBeNull();
    expect(asked).toHaveLength(3);
  });
});
