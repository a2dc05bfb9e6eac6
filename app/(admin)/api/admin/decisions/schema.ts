import { z } from "zod";
import type { DecisionFilter } from "@/lib/db/queries/admin/decisions";
import { text } from "@/lib/validation/text";

const flag = z.enum(["yes", "no"]).optional().catch(undefined);
/** A real calendar day (2026-02-30 and 2026-13-45 are not), so it always converts to a valid Date. */
const day = z.iso.date("must be a calendar date (YYYY-MM-DD).");
const lenientDay = day.optional().catch(undefined);

/** Decision-log query of the page: dates are UTC days, `to` inclusive; bad values are ignored. */
export const decisionsQuery = z.object({
  user: text().trim().max(200).optional().catch(undefined),
  model: text().trim().max(64).optional().catch(undefined),
  from: lenientDay,
  to: lenientDay,
  override: flag,
  fallback: flag,
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** The CSV export's query: an API, so a date that is not one is a 400 rather than silently widening the export. */
export const decisionsExportQuery = decisionsQuery.extend({ from: day.optional(), to: day.optional() });

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
