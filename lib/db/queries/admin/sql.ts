import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

/** A date window [since, until) that every time-bounded admin aggregate takes. */
export type DateWindow = { since: Date; until: Date };

/**
 * Spend of one assistant turn `t` priced by its model `m` (joined on
 * t.model_id): tokens × the model's current price per 1M tokens. Missing
 * token counts (failed or stopped turns without usage) cost nothing.
 */
export const turnSpend = Prisma.sql`(coalesce(t.prompt_tokens, 0) * coalesce(m.input_price_per_m, 0) + coalesce(t.completion_tokens, 0) * coalesce(m.output_price_per_m, 0)) / 1000000.0`;

/**
 * Runs heavy aggregates in a transaction with more sort/hash memory than the
 * server default (4 MB), so percentiles and groupings over a few hundred
 * thousand rows sort in memory instead of spilling to disk, and without JIT,
 * whose compile time (tens of ms) these short scans never win back. SET LOCAL
 * ends with the transaction; the pooled connection keeps its defaults.
 */
// Aggregates over a million-row table may wait for a pooled connection while a page runs several at once.
const AGGREGATE_TRANSACTION = { maxWait: 10_000, timeout: 30_000 };

export function withAggregateMemory<T>(run: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SET LOCAL work_mem = '64MB'`;
    await tx.$executeRaw`SET LOCAL jit = off`;
    return run(tx);
  }, AGGREGATE_TRANSACTION);
}
