import "server-only";
import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { prisma } from "@/lib/db/client";

/**
 * Writes the app's training data as router-core/contract.json "appExport" JSONL,
 * read by `python -m training import app`. Rows are read in keyset-paginated
 * batches so memory stays flat however large the tables grow.
 *
 * Signals, with the interaction ids the live history store uses, so a turn
 * means the same node in training and in serving:
 * - a rating -> `<turnId>` (source stars, thumbs or feedback, rating = ratings.value);
 * - a compare vote -> `<turnId>:cmp` for both sides (source compare, 1/0/0.5) and a comparison record;
 * - rated regenerations: when a user rated two or more siblings (same user turn, different models,
 *   not a compare pair) and one rating is the unique best or all are equal, the siblings also become
 *   `<turnId>:sib` interactions (source sibling, 1/0 or 0.5 each) and a comparison record.
 * Router overrides are not exported: the contract has no source for them.
 */

export type AppExportCounts = { llms: number; interactions: number; comparisons: number };

type Ctx = { stream: WriteStream; counts: AppExportCounts };

type QueryFields = { user_id: string; chat_session_id: string; query: string; context: string[] };

type RatingRow = QueryFields & {
  id: string;
  turn_id: string;
  model_id: string;
  value: number;
  stars: number | null;
  thumbs_up: boolean | null;
  source: string;
  response: string;
  updated_at: Date;
};

type ComparisonRow = QueryFields & {
  id: string;
  winner: "a" | "b" | "tie" | "both_bad";
  voted_at: Date;
  a_id: string;
  a_model: string;
  a_response: string;
  b_id: string;
  b_model: string;
  b_response: string;
};

type SiblingMember = { turnId: string; modelId: string; value: number; response: string };
type SiblingRow = QueryFields & { parent_id: string; rated_at: Date; members: SiblingMember[] };

const DEFAULT_BATCH = 500;
const FIRST_UUID = "00000000-0000-0000-0000-000000000000";

async function write(ctx: Ctx, record: Record<string, unknown>): Promise<void> {
  if (!ctx.stream.write(`${JSON.stringify(record)}\n`)) await once(ctx.stream, "drain");
}

function interaction(row: QueryFields, fields: { id: string; modelId: string; response: string; rating: number; source: string; createdAt: Date }) {
  return {
    type: "interaction",
    id: fields.id,
    userId: row.user_id,
    sessionId: row.chat_session_id,
    turnIndex: row.context.length,
    query: row.query,
    context: row.context,
    modelId: fields.modelId,
    response: fields.response,
    rating: fields.rating,
    source: fields.source,
    createdAt: fields.createdAt.toISOString(),
  };
}

function ratingSource(row: RatingRow): string {
  if (row.source === "feedback") return "feedback";
  return row.stars !== null ? "stars" : "thumbs";
}

async function writeRatings(ctx: Ctx, batch: number): Promise<void> {
  for (let after = FIRST_UUID; ; ) {
    const rows = await prisma.$queryRaw<RatingRow[]>`
      SELECT r.id::text, a.id::text AS turn_id, r.user_id::text, u.chat_session_id::text, a.model_id, r.value, r.stars, r.thumbs_up, r.source,
             a.content AS response, r.updated_at, u.content AS query,
             ARRAY(SELECT x.content FROM turns x WHERE x.chat_session_id = u.chat_session_id AND x.role = 'user' AND x.position < u.position ORDER BY x.position) AS context
        FROM ratings r JOIN turns a ON a.id = r.turn_id JOIN turns u ON u.id = a.parent_id
       WHERE a.model_id IS NOT NULL AND r.id > ${after}::uuid
       ORDER BY r.id LIMIT ${batch}`;
    for (const row of rows) {
      await write(
        ctx,
        interaction(row, {
          id: row.turn_id,
          modelId: row.model_id,
          response: row.response,
          rating: row.value,
          source: ratingSource(row),
          createdAt: row.updated_at,
        }),
      );
      ctx.counts.interactions++;
    }
    if (rows.length < batch) return;
    after = rows[rows.length - 1].id;
  }
}

async function writeComparisons(ctx: Ctx, batch: number): Promise<void> {
  for (let after = FIRST_UUID; ; ) {
    const rows = await prisma.$queryRaw<ComparisonRow[]>`
      SELECT c.id::text, c.user_id::text, c.winner::text AS winner, c.voted_at, u.chat_session_id::text, u.content AS query,
             ARRAY(SELECT x.content FROM turns x WHERE x.chat_session_id = u.chat_session_id AND x.role = 'user' AND x.position < u.position ORDER BY x.position) AS context,
             ta.id::text AS a_id, ta.model_id AS a_model, ta.content AS a_response,
             tb.id::text AS b_id, tb.model_id AS b_model, tb.content AS b_response
        FROM comparisons c
        JOIN turns u ON u.id = c.user_turn_id
        JOIN turns ta ON ta.id = c.turn_a_id
        JOIN turns tb ON tb.id = c.turn_b_id
       WHERE c.winner IS NOT NULL AND c.voted_at IS NOT NULL AND ta.model_id IS NOT NULL AND tb.model_id IS NOT NULL AND c.id > ${after}::uuid
       ORDER BY c.id LIMIT ${batch}`;
    for (const row of rows) {
      // "Both bad" is a tie at the bottom: neither model is preferred, and both answers rate 0.
      const tie = row.winner === "tie" || row.winner === "both_bad";
      const rating = (side: "a" | "b") => (row.winner === "tie" ? 0.5 : row.winner === side ? 1 : 0);
      const sides = [
        { id: `${row.a_id}:cmp`, modelId: row.a_model, response: row.a_response, rating: rating("a") },
        { id: `${row.b_id}:cmp`, modelId: row.b_model, response: row.b_response, rating: rating("b") },
      ];
      for (const side of sides) await write(ctx, interaction(row, { ...side, source: "compare", createdAt: row.voted_at }));
      ctx.counts.interactions += 2;
      // Both sides answered by one model say nothing about which model the user prefers.
      if (row.a_model === row.b_model) continue;
      const winner = tie ? null : row.winner === "a" ? row.a_model : row.b_model;
      await write(ctx, {
        type: "comparison",
        id: row.id,
        userId: row.user_id,
        interactionIds: sides.map((s) => s.id),
        winner,
        tie,
        createdAt: row.voted_at.toISOString(),
      });
      ctx.counts.comparisons++;
    }
    if (rows.length < batch) return;
    after = rows[rows.length - 1].id;
  }
}

/** Pairwise ratings for rated siblings, or null when the ratings name no single winner and are not all equal. */
function siblingRatings(members: SiblingMember[]): number[] | null {
  const best = Math.max(...members.map((m) => m.value));
  const winners = members.filter((m) => m.value === best).length;
  if (winners === members.length) return members.map(() => 0.5);
  if (winners > 1) return null;
  return members.map((m) => (m.value === best ? 1 : 0));
}

async function writeSiblings(ctx: Ctx, batch: number): Promise<void> {
  for (let after = FIRST_UUID; ; ) {
    const rows = await prisma.$queryRaw<SiblingRow[]>`
      WITH rated AS (
        SELECT a.id, a.parent_id, a.model_id, a.content, a.position, r.value, r.updated_at
          FROM turns a JOIN ratings r ON r.turn_id = a.id AND r.user_id = a.user_id
         WHERE a.parent_id > ${after}::uuid AND a.model_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM comparisons c WHERE a.id IN (c.turn_a_id, c.turn_b_id))
      ), parents AS (
        SELECT parent_id FROM rated GROUP BY parent_id
        HAVING count(*) >= 2 AND count(DISTINCT model_id) = count(*)
        ORDER BY parent_id LIMIT ${batch}
      )
      SELECT p.parent_id::text, u.user_id::text, u.chat_session_id::text, u.content AS query,
             ARRAY(SELECT x.content FROM turns x WHERE x.chat_session_id = u.chat_session_id AND x.role = 'user' AND x.position < u.position ORDER BY x.position) AS context,
             max(s.updated_at) AS rated_at,
             json_agg(json_build_object('turnId', s.id, 'modelId', s.model_id, 'value', s.value, 'response', s.content) ORDER BY s.position) AS members
        FROM parents p JOIN turns u ON u.id = p.parent_id JOIN rated s ON s.parent_id = p.parent_id
       GROUP BY p.parent_id, u.id
       ORDER BY p.parent_id`;
    for (const row of rows) {
      const ratings = siblingRatings(row.members);
      if (!ratings) continue;
      const ids = row.members.map((m) => `${m.turnId}:sib`);
      for (const [i, m] of row.members.entries()) {
        await write(
          ctx,
          interaction(row, { id: ids[i], modelId: m.modelId, response: m.response, rating: ratings[i], source: "sibling", createdAt: row.rated_at }),
        );
      }
      const tie = ratings.every((r) => r === 0.5);
      const winner = tie ? null : row.members[ratings.indexOf(1)].modelId;
      await write(ctx, {
        type: "comparison",
        id: `${row.parent_id}:sib`,
        userId: row.user_id,
        interactionIds: ids,
        winner,
        tie,
        createdAt: row.rated_at.toISOString(),
      });
      ctx.counts.interactions += ids.length;
      ctx.counts.comparisons++;
    }
    if (rows.length < batch) return;
    after = rows[rows.length - 1].parent_id;
  }
}

/** Writes the whole export to `out` (replacing it) and returns what it wrote. */
export async function writeAppExport({ out, batchSize = DEFAULT_BATCH }: { out: string; batchSize?: number }): Promise<AppExportCounts> {
  const stream = createWriteStream(out, { encoding: "utf8" });
  const ctx: Ctx = { stream, counts: { llms: 0, interactions: 0, comparisons: 0 } };
  try {
    await write(ctx, { type: "header", format: "switchboard-app-export", formatVersion: 1, exportedAt: new Date().toISOString() });
    const models = await prisma.llmModel.findMany({ select: { id: true, displayName: true, description: true }, orderBy: { id: "asc" } });
    for (const m of models) {
      // The description's embedding is the LLM node, so it must never be empty.
      await write(ctx, { type: "llm", id: m.id, description: m.description.trim() || m.displayName });
      ctx.counts.llms++;
    }
    await writeRatings(ctx, batchSize);
    await writeComparisons(ctx, batchSize);
    await writeSiblings(ctx, batchSize);
  } finally {
    stream.end();
    await once(stream, "close");
  }
  return ctx.counts;
}
