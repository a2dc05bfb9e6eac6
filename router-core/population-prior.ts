/**
 * Population prior: what everyone's ratings say about the candidates on questions like this one, plus the
 * admin's hints for models the deployment has not rated yet, added to the scorer's logits at serving time.
 *
 * Why: the trained router knows the models it was trained on. A deployment serves its own models, and the
 * router learns about them from its own users: a thousand users rating one model's code answers highly must
 * move the next new user's code question, without an admin retraining anything. Every instance rebuilds the
 * evidence from the shared database (the app's population loader), so they agree within one refresh.
 *
 * The kernel is the online preference layer's (online-preference.ts), over a sample of everyone's recent
 * ratings. A hint is an example request the admin says a model is for: a pseudo-rating of 1 with weight
 * `hintWeight`. Real ratings of the model dilute its hints, so as ratings arrive, ratings win.
 *
 * .. math::
 *    p_m = \frac{\sum_{i: m_i = m} w_i (r_i - \tfrac12) + \lambda \sum_{e \in E_m} w_e \tfrac12}
 *               {\kappa + \sum_{i: m_i = m} w_i + \lambda \sum_{e \in E_m} w_e}, \quad
 *    s'_m = s_m + \beta\,(p_m - \bar p)
 *
 * centred over the candidates (a shift shared by every candidate changes no probability). β fades with the
 * user's own similarity weight W_u on the question, β·κ_u/(κ_u + W_u): a user's own ratings of answers to
 * questions like this one, which the trained router reads, outweigh what everyone else says.
 */
import { argmax, centred } from "./features";
import { buildEvidence, type PreferenceEvidence, similarityTotals } from "./online-preference";
import type { DecisionBasis } from "./router";

export interface PopulationPriorOptions {
  /** Logit scale (at most ±beta/2 logits before centring); 0 turns the prior off. */
  readonly beta: number;
  /** Pseudo-count of similarity weight that shrinks thin evidence toward no change. */
  readonly kappa: number;
  /** How many ratings one example request of a model's hints counts as. */
  readonly hintWeight: number;
  /** Similarity weights are max(0, cos)^power: higher reads only close questions. */
  readonly power: number;
  /**
   * The user's own similarity weight on a question at which the population's say halves: a user's ratings
   * of answers to questions like this one outweigh what everyone else and the hints say.
   */
  readonly userKappa: number;
}

/**
 * κ and the kernel's power were chosen on the deployment simulation (bench/day-one), κ_u on its returning
 * users; β and λ so that the demo catalog's hints decide on a fresh install (test/router-core/day-one-hints.test.ts).
 */
export const POPULATION_PRIOR_DEFAULTS: PopulationPriorOptions = { beta: 8, kappa: 2, hintWeight: 2, power: 2, userKappa: 1 };

/**
 * How many of everyone's newest ratings the prior reads. Each costs a 512-dimension dot product per turn (1,000 of
 * them about 0.1 ms in onnxruntime, SimilarityKernel), and fewer are noisier: in the deployment simulation
 * (bench/day-one, 20 seeds) after 2,000 ratings the newest 500 recovered 0.76 of the oracle's utility above random, the
 * newest 1,000 0.80 (paired difference 0.04 ± 0.03); after 1,000 ratings, reading 500 or all of them scored alike.
 */
export const POPULATION_SAMPLE_SIZE = 1_000;

/** Everyone's recent ratings (a sample: the app caps each user's share) and how often each model was rated lately. */
export interface PopulationEvidence extends PreferenceEvidence {
  /** Ratings per model id over all the recent ratings the sample was drawn from (the app: its window), not only the sample; a model absent here has none. */
  readonly ratingCounts: ReadonlyMap<string, number>;
}

/** Where a router reads the population evidence; synchronous, so a turn never waits for a refresh. */
export interface PopulationSource {
  current(): PopulationEvidence | null;
}

/**
 * The candidates' hints in the kernel's form: one row per example request, rated 1 for its model. Read by the
 * same kernel as ratings, so an example weighs what a rating of a question that close would.
 */
export function hintEvidence(examples: readonly { modelId: string }[], embeddings: readonly Float32Array[], dim: number): PreferenceEvidence | null {
  if (examples.length === 0) return null;
  return buildEvidence(
    examples.map((e) => ({ modelId: e.modelId, rating: 1 })),
    embeddings,
    dim,
    examples.length,
  );
}

/**
 * The candidates' hints as evidence, rebuilt only when the examples change (a catalog edit), not on every turn:
 * quantising the demo catalog's 24 example vectors costs about 0.3 ms, their embeddings' cache lookups more.
 */
export class HintEvidenceCache {
  #key: string | null = null;
  #evidence: PreferenceEvidence | null = null;

  async evidence(
    examples: readonly { modelId: string; example: string }[],
    embed: (texts: string[]) => Promise<Float32Array[]>,
    dim: number,
  ): Promise<PreferenceEvidence | null> {
    const key = JSON.stringify(examples);
    if (key !== this.#key) {
      const evidence = examples.length === 0 ? null : hintEvidence(examples, await embed(examples.map((e) => e.example)), dim);
      [this.#key, this.#evidence] = [key, evidence];
    }
    return this.#evidence;
  }
}

export interface PopulationAdjustments {
  /** What this user's scores get: `forNewUser` faded by the user's own similarity weight on the question. */
  readonly total: number[];
  /** What a user without ratings would get, from ratings and hints together. */
  readonly forNewUser: number[];
  /** `forNewUser` from ratings alone: tells whether the hints decided a pick. */
  readonly ratingsOnly: number[];
}

/** The population prior for each candidate (in candidate order); all zeros without evidence and hints. */
export function populationAdjustments(
  evidence: PopulationEvidence | null,
  query: Float32Array,
  candidateIds: readonly string[],
  hints: PreferenceEvidence | null,
  options: PopulationPriorOptions,
  /** The user's own ratings, whose weight near the query fades the population's say. */
  own: PreferenceEvidence | null = null,
  /** `evidence`'s rowDots for this query, when computed already (the router runs them in onnxruntime). */
  evidenceDots?: Float32Array | Float64Array,
  /** `own`'s rowDots for this query, when computed already (the router shares them with the online layer). */
  ownDots?: Float32Array | Float64Array,
): PopulationAdjustments {
  const zeros = candidateIds.map(() => 0);
  if (options.beta === 0) return { total: zeros, forNewUser: zeros, ratingsOnly: zeros };
  const { weighted, weights } = similarityTotals(evidence, query, candidateIds, options.power, evidenceDots);
  const hinted = similarityTotals(hints, query, candidateIds, options.power).weights.map((w) => w * options.hintWeight);
  const forNewUser = centred(weighted.map((x, j) => (options.beta * (x + 0.5 * hinted[j])) / (options.kappa + weights[j] + hinted[j])));
  const ratingsOnly = centred(weighted.map((x, j) => (options.beta * x) / (options.kappa + weights[j])));
  const ownWeight = similarityTotals(own, query, candidateIds, options.power, ownDots).weights.reduce((a, b) => a + b, 0);
  const fade = ownWeight === 0 ? 1 : options.userKappa / (options.userKappa + ownWeight);
  return { total: forNewUser.map((x) => x * fade), forNewUser, ratingsOnly };
}

export interface ExplorationOptions {
  /** Share of turns, in [0, 1], on which a rarely rated candidate may be tried instead of the pick. */
  readonly share: number;
  /** A candidate with fewer ratings than this in the population's counts (PopulationEvidence.ratingCounts) counts as rarely rated. */
  readonly minRatings: number;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  readonly random: () => number;
}

export const EXPLORATION_OFF: ExplorationOptions = { share: 0, minRatings: 0, random: Math.random };

/**
 * The candidate to try instead of the pick on this turn, or null. A turn explores with probability
 * `share`, and then tries one of the rarely rated candidates other than the pick, uniformly.
 */
export function explorationPick(
  candidateIds: readonly string[],
  pick: number,
  ratingCounts: ReadonlyMap<string, number> | undefined,
  options: ExplorationOptions,
): number | null {
  if (options.share <= 0 || options.random() >= options.share) return null;
  const rare = candidateIds.flatMap((id, j) => (j !== pick && (ratingCounts?.get(id) ?? 0) < options.minRatings ? [j] : []));
  if (rare.length === 0) return null;
  return rare[Math.min(rare.length - 1, Math.floor(options.random() * rare.length))];
}

/**
 * What decided the pick `best`: the user's ratings when a user without ratings (router cold-start logits plus
 * the population prior at full strength) would get another model; else the population prior when it moved
 * the pick away from the router's, by ratings if they alone make the same move and by hints otherwise; else
 * the trained router.
 */
export function decisionBasis(coldLogits: Float32Array, population: PopulationAdjustments, best: number): DecisionBasis {
  const prior = argmax(Array.from(coldLogits, (s, i) => s + population.forNewUser[i]));
  if (prior !== best) return "personal";
  if (prior === argmax(Array.from(coldLogits))) return "router";
  return argmax(Array.from(coldLogits, (s, i) => s + population.ratingsOnly[i])) === prior ? "population" : "hints";
}
