import "server-only";
import { z } from "zod";
import type { CandidateScore } from "@/lib/chat/ui-message";

/** One ranked model of a routing decision, as route-turn records it in `routing_decisions.candidates`. */
const candidateScoreSchema = z.object({
  modelId: z.string(),
  score: z.number(),
  probability: z.number(),
  winRate: z.number().optional(),
  unseen: z.boolean().optional(),
  adjustment: z.number().optional(),
}) satisfies z.ZodType<CandidateScore>;

const decisionCandidatesSchema = z.array(candidateScoreSchema);

/**
 * The one reader of the stored candidates JSON (chat history, admin pages).
 * The column is untyped JSON, so a value that does not match reads as no
 * candidates rather than failing the page that shows it.
 */
export function parseDecisionCandidates(json: unknown): CandidateScore[] {
  const parsed = decisionCandidatesSchema.safeParse(json);
  return parsed.success ? parsed.data : [];
}
