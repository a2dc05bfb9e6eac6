import { z } from "zod";

/**
 * A routing decision in the three shapes a turn carries it: the record stored with the answer
 * (DecisionRecord, written by the turn pipeline into routing_decisions), the ranked candidates of its JSON
 * column, and what the chat shows (DecisionSummary). A leaf module: the database layer, the turn pipeline and
 * the UI all import it, and it imports nothing of theirs.
 */

/** One ranked model. adjustment: the share of the score that comes from the user's own ratings on similar questions. */
export const candidateScoreSchema = z.object({
  modelId: z.string(),
  score: z.number(),
  probability: z.number(),
  winRate: z.number().optional(),
  unseen: z.boolean().optional(),
  adjustment: z.number().optional(),
  /** What everyone's ratings and the admin's hints add to the score (router-core's population prior). */
  population: z.number().optional(),
});
export type CandidateScore = z.infer<typeof candidateScoreSchema>;

/** A compare answer is the router's own pick or the challenger it was matched against. */
export const compareSideSchema = z.enum(["router", "challenger"]);
export type CompareSide = z.infer<typeof compareSideSchema>;

/** What decided the pick (router-core's DecisionBasis): the trained router, the user's ratings, everyone's, the admin's hints, exploration, a fallback. */
export const decisionBasisSchema = z.enum(["router", "personal", "population", "hints", "exploration", "fallback"]);
export type DecisionBasis = z.infer<typeof decisionBasisSchema>;

/** The router's timings and notes on the decision, stored as JSON (routing_decisions.timings). */
export type DecisionTimings = { readonly [key: string]: unknown };

export type DecisionRecord = {
  chosenModelId: string;
  routerVersion: string;
  executionProvider: string;
  candidates: CandidateScore[];
  confidence: number;
  ratingsUsed: number;
  coldStart: boolean;
  override: boolean;
  fallback: boolean;
  basis: DecisionBasis;
  /** Compare mode: which side this answer is; undefined outside compare mode. */
  compareSide?: CompareSide;
  timings: DecisionTimings;
  totalMs: number;
};

/** What the chat shows of a decision (the "why this model" popover, fallback labels). */
export type DecisionSummary = Omit<DecisionRecord, "chosenModelId" | "compareSide" | "timings"> & { compareSide?: CompareSide | null };

const decisionCandidatesSchema = z.array(candidateScoreSchema);

/**
 * The one reader of the stored candidates JSON (chat history, admin pages). The column is untyped JSON, so
 * a value that does not match reads as no candidates rather than failing the page that shows it.
 */
export function parseDecisionCandidates(json: unknown): CandidateScore[] {
  const parsed = decisionCandidatesSchema.safeParse(json);
  return parsed.success ? parsed.data : [];
}

/** The stored basis column; an unknown value (written by a newer version) reads as the trained router's. */
export function parseDecisionBasis(value: unknown): DecisionBasis {
  const parsed = decisionBasisSchema.safeParse(value);
  return parsed.success ? parsed.data : "router";
}

/** The stored compare_side column: anything but a known side reads as none. */
export function parseCompareSide(value: unknown): CompareSide | null {
  const parsed = compareSideSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
