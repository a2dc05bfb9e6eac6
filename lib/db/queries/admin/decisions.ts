import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";

export type DecisionFilter = { user?: string; modelId?: string; from?: Date; to?: Date; override?: boolean; fallback?: boolean };

export type DecisionLogRow = {
  id: string;
  createdAt: Date;
  userId: string;
  userEmail: string;
  chosenModelId: string;
  routerVersion: string;
  executionProvider: string;
  candidates: Prisma.JsonValue;
  timings: Prisma.JsonValue;
  confidence: number;
  ratingsUsed: number;
  coldStart: boolean;
  override: boolean;
  fallback: boolean;
  totalMs: number;
};

/** `user` matches a user id exactly or an email by substring; `to` is exclusive. */
function filterSql({ user, modelId, from, to, override, fallback }: DecisionFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (user) {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(user);
    const pattern = `%${user.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(isUuid ? Prisma.sql`d.user_id = ${user}::uuid` : Prisma.sql`d.user_id IN (SELECT id FROM users WHERE email ILIKE ${pattern})`);
  }
  if (modelId) parts.push(Prisma.sql`d.chosen_model_id = ${modelId}`);
  if (from) parts.push(Prisma.sql`d.created_at >= ${from}`);
  if (to) parts.push(Prisma.sql`d.created_at < ${to}`);
  if (override !== undefined) parts.push(Prisma.sql`d.override = ${override}`);
  if (fallback !== undefined) parts.push(Prisma.sql`d.fallback = ${fallback}`);
  return Prisma.join(parts, " AND ");
}

const columns = Prisma.sql`
  d.id, d.created_at AS "createdAt", d.user_id AS "userId", u.email AS "userEmail", d.chosen_model_id AS "chosenModelId",
  d.router_version AS "routerVersion", d.execution_provider AS "executionProvider", d.candidates, d.timings, d.confidence,
  d.ratings_used AS "ratingsUsed", d.cold_start AS "coldStart", d.override, d.fallback, d.total_ms AS "totalMs"`;

/**
 * One page of decisions, newest first. Reads one row past the page instead of
 * counting every match, so deep filters over millions of rows stay cheap.
 */
export async function listDecisions({ filter, page, pageSize }: { filter: DecisionFilter; page: number; pageSize: number }) {
  const rows = await prisma.$queryRaw<DecisionLogRow[]>`
    SELECT ${columns}
      FROM routing_decisions d JOIN users u ON u.id = d.user_id
     WHERE ${filterSql(filter)}
     ORDER BY d.created_at DESC, d.id DESC
     LIMIT ${pageSize + 1} OFFSET ${(page - 1) * pageSize}`;
  return { rows: rows.slice(0, pageSize), hasNext: rows.length > pageSize };
}

/**
 * Every matching decision, newest first, in batches by keyset (created_at, id)
 * so an export of millions of rows never holds more than one batch.
 */
export async function* iterateDecisions({ filter, batchSize }: { filter: DecisionFilter; batchSize: number }): AsyncGenerator<DecisionLogRow[]> {
  let after: { createdAt: Date; id: string } | null = null;
  for (;;) {
    const cursor: Prisma.Sql = after ? Prisma.sql`AND (d.created_at, d.id) < (${after.createdAt}, ${after.id}::uuid)` : Prisma.empty;
    const rows: DecisionLogRow[] = await prisma.$queryRaw<DecisionLogRow[]>`
      SELECT ${columns}
        FROM routing_decisions d JOIN users u ON u.id = d.user_id
       WHERE ${filterSql(filter)} ${cursor}
       ORDER BY d.created_at DESC, d.id DESC
       LIMIT ${batchSize}`;
    if (rows.length > 0) yield rows;
    if (rows.length < batchSize) return;
    const last: DecisionLogRow = rows[rows.length - 1];
    after = { createdAt: last.createdAt, id: last.id };
  }
}
