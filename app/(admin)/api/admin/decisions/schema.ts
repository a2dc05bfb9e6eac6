import { z } from "zod";
import type { DecisionFilter } from "@/lib/db/queries/admin/decisions";

const flag = z.enum(["yes", "no"]).optional().catch(undefined);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().catch(undefined);

/** Decision-log query (page and CSV export): dates are UTC days, `to` inclusive; bad values are ignored. */
export const decisionsQuery = z.object({
  user: z.string().trim().max(200).optional().catch(undefined),
  model: z.string().trim().max(64).optional().catch(undefined),
  from: day,
  to: day,
  override: flag,
  fallback: flag,
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export type DecisionsQuery = z.infer<typeof decisionsQuery>;

export const DECISIONS_PAGE_SIZE = 50;

const DAY_MS = 86_400_000;

export function toDecisionFilter(q: DecisionsQuery): DecisionFilter {
  return {
    user: q.user || undefined,
    modelId: q.model || undefined,
    from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
    to: q.to ? new Date(new Date(`${q.to}T00:00:00Z`).getTime() + DAY_MS) : undefined,
    override: q.override === undefined ? undefined : q.override === "yes",
    fallback: q.fallback === undefined ? undefined : q.fallback === "yes",
  };
}
