import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { GetRatedHistoryArgs, HistoryStore, RatedInteraction, RecordRatingArgs, SaveQueryEmbeddingsArgs } from "@/router-core";
import { embeddingFromBytes, embeddingToBytes } from "@/router-core";
import { OVERRIDE_RATING } from "./signals";

type HistoryRow = {
  interaction_id: string;
  chat_session_id: string;
  model_id: string;
  model_description: string | null;
  rating: number;
  response_text: string;
  created_at: Date;
  query_text: string;
  query_embedding: Uint8Array | null;
  turn_index: number;
};

/** Interaction ids carry a suffix for signals other than an explicit rating of the same answer. */
const assistantTurnId = (interactionId: string) => interactionId.split(":")[0];

/**
 * The user's graph: one row per signal, from explicit ratings, compare-mode votes (winner 1, loser 0, tie 0.5,
 * both bad 0) and unrated router overrides of messages with a single answer. The one definition of it: the
 * history read and its fingerprint (historyStamp) both select from it, so a new kind of signal cannot reach
 * one and not the other.
 */
function userSignals(userId: string): Prisma.Sql {
  return Prisma.sql`
    SELECT a.id::text AS interaction_id, a.id AS answer_id, a.chat_session_id, a.parent_id, a.model_id, r.value AS rating, r.updated_at AS created_at
      FROM ratings r JOIN turns a ON a.id = r.turn_id
     WHERE r.user_id = ${userId}::uuid AND a.model_id IS NOT NULL AND a.parent_id IS NOT NULL
    UNION ALL
    SELECT a.id::text || ':cmp', a.id, a.chat_session_id, a.parent_id, a.model_id,
           CASE WHEN c.winner = 'tie' THEN 0.5 WHEN c.winner = 'both_bad' THEN 0 WHEN (c.winner = 'a') = (a.id = c.turn_a_id) THEN 1 ELSE 0 END,
           c.voted_at
      FROM comparisons c JOIN turns a ON a.id IN (c.turn_a_id, c.turn_b_id)
     WHERE c.user_id = ${userId}::uuid AND c.winner IS NOT NULL AND a.model_id IS NOT NULL
    UNION ALL
    SELECT a.id::text || ':override', a.id, a.chat_session_id, a.parent_id, a.model_id, ${OVERRIDE_RATING}::float8, d.created_at
      FROM routing_decisions d JOIN turns a ON a.id = d.turn_id
     WHERE d.user_id = ${userId}::uuid AND d.override AND a.status = 'completed' AND a.model_id IS NOT NULL
       -- "forget my preferences" keeps the decision log but drops earlier overrides from the graph
       AND d.created_at > COALESCE((SELECT preferences_reset_at FROM users WHERE id = ${userId}::uuid), '-infinity')
       AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.turn_id = a.id)
       -- several answers to one message (compare mode, regenerate) are judged by votes and ratings instead
       AND NOT EXISTS (SELECT 1 FROM turns s WHERE s.parent_id = a.parent_id AND s.id <> a.id)`;
}

/**
 * A fingerprint of the user's graph: every signal with its value and time, and the catalog entries of the
 * models it names (their descriptions place a deployment's own models in the graph). Another app instance
 * may have stored a rating; when the fingerprint moves, a cached user vector is stale.
 */
export async function historyStamp(userId: string): Promise<string> {
  const [row] = await prisma.$queryRaw<{ stamp: string }[]>`
    WITH signals AS (${userSignals(userId)})
    SELECT concat_ws('|', count(*)::text, coalesce(sum(hashtext(interaction_id || '=' || rating::text || '@' || created_at::text)), 0)::text,
             (SELECT coalesce(max(m.updated_at)::text, '') FROM llm_models m WHERE m.id IN (SELECT model_id FROM signals))) AS stamp
      FROM signals`;
  return row.stamp;
}

/** The user's rated history from Postgres (the signals of userSignals), newest first. */
export class PrismaHistoryStore implements HistoryStore {
  constructor(private readonly dim: number) {}

  async getRatedHistory({ userId, limit, embeddingKey }: GetRatedHistoryArgs): Promise<readonly RatedInteraction[]> {
    const rows = await prisma.$queryRaw<HistoryRow[]>`
      WITH signals AS (${userSignals(userId)}), recent AS (
        SELECT * FROM signals ORDER BY created_at DESC LIMIT ${limit}
      )
      SELECT recent.interaction_id, recent.chat_session_id::text, recent.model_id, m.description AS model_description, recent.rating,
             a.content AS response_text, recent.created_at,
             u.content AS query_text,
             CASE WHEN u.embedder_id = ${embeddingKey} THEN u.query_embedding END AS query_embedding,
             (SELECT count(*)::int FROM turns x WHERE x.chat_session_id = u.chat_session_id AND x.role = 'user' AND x.position < u.position) AS turn_index
        FROM recent JOIN turns u ON u.id = recent.parent_id JOIN turns a ON a.id = recent.answer_id LEFT JOIN llm_models m ON m.id = recent.model_id`;
    return rows.map((r) => ({
      interactionId: r.interaction_id,
      chatSessionId: r.chat_session_id,
      turnIndex: r.turn_index,
      queryText: r.query_text,
      modelId: r.model_id,
      modelDescription: r.model_description,
      rating: r.rating,
      responseText: r.response_text,
      createdAt: r.created_at,
      queryEmbedding: r.query_embedding ? embeddingFromBytes(r.query_embedding, this.dim) : null,
    }));
  }

  async saveQueryEmbeddings({ embeddingKey, embeddings }: SaveQueryEmbeddingsArgs): Promise<void> {
    await prisma.$transaction(
      embeddings.map(
        ({ interactionId, embedding }) => prisma.$executeRaw`
          UPDATE turns u SET query_embedding = ${embeddingToBytes(embedding)}, embedder_id = ${embeddingKey}
            FROM turns a WHERE a.id = ${assistantTurnId(interactionId)}::uuid AND u.id = a.parent_id`,
      ),
    );
  }

  /** API and CLI feedback on a query the app never saw: stored as a one-turn conversation of that user, rated. */
  async recordRating({ userId, queryText, modelId, rating, responseText }: RecordRatingArgs): Promise<RatedInteraction> {
    return prisma.$transaction(async (tx) => {
      const session = await tx.chatSession.create({ data: { userId, title: `Feedback: ${queryText.slice(0, 50)}` } });
      const query = await tx.turn.create({ data: { chatSessionId: session.id, userId, position: 0, role: "user", content: queryText, queryText } });
      const answer = await tx.turn.create({
        data: {
          chatSessionId: session.id,
          userId,
          position: 1,
          role: "assistant",
          content: responseText ?? "",
          parentId: query.id,
          modelId,
          status: "completed",
        },
      });
      const saved = await tx.rating.create({ data: { turnId: answer.id, userId, value: rating, source: "feedback" } });
      return {
        interactionId: answer.id,
        chatSessionId: session.id,
        turnIndex: 0,
        queryText,
        modelId,
        rating,
        responseText: responseText ?? null,
        createdAt: saved.updatedAt,
        queryEmbedding: null,
      };
    });
  }
}
