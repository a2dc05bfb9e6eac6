import "server-only";
import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import type { TurnStatus } from "@/lib/db/generated/enums";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { DecisionRecord } from "@/lib/router/decision";
import { assertSessionHasRoom } from "@/lib/security/session-size";

const TITLE_CHARS = 60;

const turnFields = {
  id: true,
  position: true,
  role: true,
  content: true,
  parentId: true,
  editOfId: true,
  modelId: true,
  status: true,
  error: true,
  createdAt: true,
  decision: {
    select: {
      chosenModelId: true,
      routerVersion: true,
      executionProvider: true,
      candidates: true,
      confidence: true,
      ratingsUsed: true,
      coldStart: true,
      override: true,
      fallback: true,
      basis: true,
      compareSide: true,
      totalMs: true,
    },
  },
  comparisonsAsA: { select: { winner: true } },
  comparisonsAsB: { select: { winner: true } },
} as const;

/** What a new turn needs of the conversation so far: the model's context and the router's. */
export type TranscriptTurn = {
  id: string;
  role: "user" | "assistant";
  content: string;
  parentId: string | null;
  editOfId: string | null;
  status: TurnStatus;
  lostVote: boolean;
};

type ThreadTurn = { id: string; role: "user" | "assistant"; parentId: string | null; editOfId: string | null; lostVote: boolean };

/**
 * The visible thread: every user turn followed by its newest answer that did
 * not lose a compare vote (after a tie or "both bad" the left answer stays).
 * The other answers to the same user turn (regenerations, compare) stay
 * stored as siblings. An edited message is replaced by its newest edit, and
 * the turns between the two (the branch the edit re-ran) stay stored but
 * unseen, by the reader and by the models.
 */
export function visibleThread<T extends ThreadTurn>(turns: readonly T[]): T[] {
  const shownAnswer = new Map<string, T>();
  const newestEdit = new Map<string, number>();
  turns.forEach((t, i) => {
    if (t.role === "assistant" && t.parentId && !t.lostVote) shownAnswer.set(t.parentId, t);
    if (t.role === "user" && t.editOfId) newestEdit.set(t.editOfId, i);
  });
  const shown: T[] = [];
  for (let i = 0; i < turns.length; i++) {
    const t = turns[i];
    const edit = newestEdit.get(t.id);
    if (edit !== undefined && edit > i) i = edit - 1;
    else if (t.role === "user") shown.push(t, ...(shownAnswer.has(t.id) ? [shownAnswer.get(t.id)!] : []));
  }
  return shown;
}

/** A compare answer that is not the one to keep showing: B unless B won. */
function withVoteOutcome({ comparisonsAsA, comparisonsAsB, ...turn }: Prisma.TurnGetPayload<{ select: typeof turnFields }>) {
  const lostVote = comparisonsAsA.some((c) => c.winner === "b") || comparisonsAsB.some((c) => c.winner !== null && c.winner !== "b");
  return { ...turn, lostVote };
}

export type StoredTurn = ReturnType<typeof withVoteOutcome>;

async function readTurns(chatSessionId: string): Promise<StoredTurn[]> {
  return (await prisma.turn.findMany({ where: { chatSessionId }, orderBy: { position: "asc" }, select: turnFields })).map(withVoteOutcome);
}

export async function getThread({ chatSessionId }: { chatSessionId: string }): Promise<StoredTurn[]> {
  return visibleThread(await readTurns(chatSessionId));
}

/** The visible thread; each shown answer also carries every answer to its message, in order, to page through. */
export async function getThreadWithAnswers({ chatSessionId }: { chatSessionId: string }): Promise<(StoredTurn & { answers: StoredTurn[] })[]> {
  const turns = await readTurns(chatSessionId);
  const answers = new Map<string, StoredTurn[]>();
  for (const t of turns) if (t.role === "assistant" && t.parentId) answers.set(t.parentId, [...(answers.get(t.parentId) ?? []), t]);
  return visibleThread(turns).map((t) => ({ ...t, answers: t.parentId ? (answers.get(t.parentId) ?? [t]) : [] }));
}

/**
 * Every stored turn of a session this user owns, in order, with only what a
 * new turn needs; someone else's session is reported as missing. Read on every
 * turn of sessions that grow long, so in one plain query (half the time of the
 * ORM's nested read at 2,000 turns).
 */
export async function getOwnTranscript({ chatSessionId, userId }: { chatSessionId: string; userId: string }): Promise<TranscriptTurn[]> {
  // LEFT JOIN: an empty session of this user is one row of nulls, someone else's is no row.
  const rows = await prisma.$queryRaw<{ [K in keyof TranscriptTurn]: TranscriptTurn[K] | null }[]>`
    SELECT t.id::text, t.role::text, t.content, t.parent_id::text AS "parentId", t.edit_of_id::text AS "editOfId", t.status::text,
           EXISTS (SELECT 1 FROM comparisons c
                    WHERE c.user_turn_id = t.parent_id AND c.winner IS NOT NULL
                      AND ((c.turn_a_id = t.id AND c.winner = 'b') OR (c.turn_b_id = t.id AND c.winner <> 'b'))) AS "lostVote"
      FROM chat_sessions s LEFT JOIN turns t ON t.chat_session_id = s.id
     WHERE s.id = ${chatSessionId}::uuid AND s.user_id = ${userId}::uuid
     ORDER BY t.position`;
  if (rows.length === 0) throw new AppError("not_found:session", "Chat session not found.");
  return rows.flatMap(({ id, role, content, parentId, editOfId, status, lostVote }) =>
    id && role && content !== null && status ? [{ id, role, content, parentId, editOfId, status, lostVote: lostVote === true }] : [],
  );
}

/**
 * Turn writes on the chat path are single statements, one round trip each.
 * They take the session's next position from max(position) + 1 without a row
 * lock: the unique (chat_session_id, position) index catches two concurrent
 * writers to one session, and the loser retries.
 */
async function retryPositionClash<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= POSITION_ATTEMPTS || !isPositionClash(err)) throw err;
    }
  }
}

const POSITION_ATTEMPTS = 5;

/** A unique violation on the position index, or a deadlock between two writers of one session. */
function isPositionClash(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${JSON.stringify((err as { meta?: unknown }).meta ?? "")}` : "";
  return /turns_chat_session_id_position_key|deadlock detected|40P01/.test(text);
}

/**
 * Stores a user's message as the next turn of their session, checking in the
 * same statement that the session is theirs (404 otherwise) and has room for
 * `adding` more turns (409 otherwise), so it needs no read before it. `id` may
 * be chosen by the caller, to recognise the turn in a read that ran alongside.
 * `editOfId`: the message of this session it replaces, checked by the caller
 * against the visible thread.
 */
export async function appendUserTurn({
  id = randomUUID(),
  chatSessionId,
  userId,
  content,
  editOfId = null,
  adding = 1,
}: {
  id?: string;
  chatSessionId: string;
  userId: string;
  content: string;
  editOfId?: string | null;
  adding?: number;
}): Promise<{ id: string; position: number }> {
  const title = content.replace(/\s+/g, " ").trim().slice(0, TITLE_CHARS);
  const [row] = await retryPositionClash(
    () => prisma.$queryRaw<[{ owned: boolean; stored: number; id: string | null; position: number | null }]>`
      WITH session AS (
        SELECT EXISTS (SELECT 1 FROM chat_sessions WHERE id = ${chatSessionId}::uuid AND user_id = ${userId}::uuid) AS owned,
               count(*)::int AS stored, coalesce(max(position), -1) + 1 AS next
          FROM turns WHERE chat_session_id = ${chatSessionId}::uuid),
      turn AS (
        INSERT INTO turns (id, chat_session_id, user_id, position, role, content, edit_of_id, status)
        SELECT ${id}::uuid, ${chatSessionId}::uuid, ${userId}::uuid, next, 'user', ${content}, ${editOfId}::uuid, 'completed'
          FROM session WHERE owned AND stored + ${adding}::int <= ${env.MAX_SESSION_TURNS}::int
        RETURNING id::text, position),
      touched AS (
        UPDATE chat_sessions SET updated_at = now(), title = CASE WHEN title = 'New chat' AND ${title} <> '' THEN ${title} ELSE title END
         WHERE id = ${chatSessionId}::uuid AND EXISTS (SELECT 1 FROM turn))
      SELECT session.owned, session.stored, turn.id, turn.position FROM session LEFT JOIN turn ON true`,
  );
  if (!row.owned) throw new AppError("not_found:session", "Chat session not found.");
  assertSessionHasRoom({ stored: row.stored, adding });
  return { id: row.id!, position: row.position! };
}

/**
 * Stores an assistant turn as "streaming" together with the router's decision
 * and, on its user turn, the query the router embedded. Idempotent by `id`, so
 * a write that failed in a database outage can simply be tried again.
 */
export async function startAssistantTurn({
  id,
  chatSessionId,
  userId,
  parentId,
  modelId,
  decision,
  query,
}: {
  id: string;
  chatSessionId: string;
  userId: string;
  parentId: string;
  modelId: string;
  decision: DecisionRecord;
  query?: RoutedQuery;
}): Promise<void> {
  const keepEmbedding = !(query?.embedding && query.embeddingKey);
  await retryPositionClash(
    () => prisma.$executeRaw`
      WITH turn AS (
        INSERT INTO turns (id, chat_session_id, user_id, position, role, content, parent_id, model_id, status)
        SELECT ${id}::uuid, ${chatSessionId}::uuid, ${userId}::uuid, coalesce(max(position), -1) + 1, 'assistant', '', ${parentId}::uuid, ${modelId}, 'streaming'
          FROM turns WHERE chat_session_id = ${chatSessionId}::uuid
        ON CONFLICT (id) DO NOTHING
        RETURNING id),
      decision AS (
        INSERT INTO routing_decisions (id, turn_id, user_id, chosen_model_id, router_version, execution_provider, candidates, confidence, ratings_used, cold_start, override, fallback, basis, compare_side, timings, total_ms)
        SELECT gen_random_uuid(), turn.id, ${userId}::uuid, ${decision.chosenModelId}, ${decision.routerVersion}, ${decision.executionProvider}, ${JSON.stringify(decision.candidates)}::jsonb,
               ${decision.confidence}, ${decision.ratingsUsed}, ${decision.coldStart}, ${decision.override}, ${decision.fallback}, ${decision.basis}, ${decision.compareSide ?? null}::text, ${JSON.stringify(decision.timings)}::jsonb, ${decision.totalMs}
          FROM turn),
      query AS (
        UPDATE turns SET query_text = ${query?.text ?? null}::text,
               query_embedding = CASE WHEN ${keepEmbedding} THEN query_embedding ELSE ${query?.embedding ?? null}::bytea END,
               embedder_id = CASE WHEN ${keepEmbedding} THEN embedder_id ELSE ${query?.embeddingKey ?? null}::text END
         WHERE id = ${parentId}::uuid AND ${query !== undefined} AND EXISTS (SELECT 1 FROM turn)),
      touched AS (UPDATE chat_sessions SET updated_at = now() WHERE id = ${chatSessionId}::uuid AND EXISTS (SELECT 1 FROM turn))
      SELECT 1`,
  );
}

export type TurnOutcome = {
  content: string;
  status: Exclude<TurnStatus, "streaming">;
  error?: string | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  latencyMs?: number | null;
  ttftMs?: number | null;
};

/** Records how an assistant turn ended; only a turn still streaming can be finished, so late callbacks cannot overwrite an outcome. */
export async function finishAssistantTurn({ id, outcome }: { id: string; outcome: TurnOutcome }) {
  await prisma.turn.updateMany({ where: { id, status: "streaming" }, data: { ...outcome, error: outcome.error ?? null, completedAt: new Date() } });
}

/** The query node as the router built it, stored on the user turn so later encodes need not re-embed it; embeddingKey names embedder and query mode. */
export type RoutedQuery = { text: string; embedding: Uint8Array<ArrayBuffer> | null; embeddingKey: string | null };
