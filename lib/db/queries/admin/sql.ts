import "server-only";
import { Prisma } from "@/lib/db/generated/client";

/** A date window [since, until) that every time-bounded admin aggregate takes. */
export type DateWindow = { since: Date; until: Date };

/**
 * Spend of one assistant turn `t` priced by its model `m` (joined on
 * t.model_id): tokens × the model's current price per 1M tokens. Missing
 * token counts (failed or stopped turns without usage) cost nothing.
 */
export const turnSpend = Prisma.sql`(coalesce(t.prompt_tokens, 0) * coalesce(m.input_price_per_m, 0) + coalesce(t.completion_tokens, 0) * coalesce(m.output_price_per_m, 0)) / 1000000.0`;

/** UTC calendar day of a timestamp column, as YYYY-MM-DD text. */
export function utcDay(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
}
