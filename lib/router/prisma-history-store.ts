import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { GetRatedHistoryArgs, HistoryStore, RatedInteraction, RecordRatingArgs, SaveQueryEmbeddingsArgs } from "@/router-core";
import { embeddingFromBytes, embeddingToBytes } from "@/router-core";
import { QuestionEmbeddingCache } from "./question-embeddings";
import { OVERRIDE_RATING } from "./signals";

type HistoryRow = {
  interaction_id: string;
  chat_session_id: string;
  model_id: string;
  model_description: string | null;
  rating: number;
  response_text: string | null;
  response_chars: number;
  created_at: Date;
  question_id: string;
  query_text: string;
  query_embedding: Uint8Array | null;
  turn_index: number;
};

/** Interaction ids carry a suffix for signals other than an explicit rating of the same answer. */
const assistantTurnId = (interactionId: string) => interactionId.split(":")[0];

/**
 * The user's graph: one row per signal (explicit ratings, compare-mode votes, unrated router overrides), as the
 * SQL function user_signals_since defines them (prisma/migrations/20261209010000_user_signals_newest; its ratings and
 * votes from the SQL function answer_signals, which the population prior reads too). user_signals reads the user's
 * `newest` signals and may add older ones, through indexes, so a read costs the same however much the user rated.
 * A PL/pgSQL function because each connection then plans it once.
 */
function userSignals(userId: string, newest: number): Prisma.Sql {
  return Prisma.sql`SELECT * FROM user_signals(${userId}::uuid, ${OVERRIDE_RATING}::float8, ${newest}::int)`;
}

/** The versions of what routing a user's turn reads: the user's graph and the model catalog. */
export type RoutingStamps = {
  /** Moves when the user's graph or a model's description (which places a deployment's own model in it) changed. */
  graph: string;
  /** Moves when any model of the catalog changed (lib/db/queries/models.ts keeps the enabled models by it). */
  catalog: string;
};

/**
 * The versions of the user's graph and of the catalog, in one statement: triggers move them in the writing
 * transaction (prisma/migrations/20261207000000_user_graph_versions, 20261208010000_llm_catalog_version). Another
 * app instance may have stored a rating or edited a model; when a stamp moved, what this instance cached (a user
 * vector, the enabled models) is stale. Two primary-key reads, where hashing the user's signals cost 1.2-1.4 ms of
 * PostgreSQL and the catalog a statement of its own on every turn.
 */
export async function readRoutingStamps(userId: string): Promise<RoutingStamps> {
  const [row] = await prisma.$queryRaw<{ graph: string; catalog: string }[]>`
    SELECT coalesce((SELECT v.version FROM user_graph_versions v WHERE v.user_id = ${userId}::uuid), 0)::text AS graph,
           (SELECT c.version FROM llm_catalog_version c)::text AS catalog`;
  return { graph: `${row.graph}|${row.catalog}`, catalog: row.catalog };
}

/**
 * The statement of a history read: the user's newest `limit` signals with their questions and the answers' lengths
 * (texts when asked); the stored embeddings of questions other than `keptQuestionIds` under `embeddingKey`.
 */
export function ratedHistoryStatement(
  { userId, limit, embeddingKey, withResponseText = false }: GetRatedHistoryArgs,
  keptQuestionIds: readonly string[],
): Prisma.Sql {
  return Prisma.sql`
    WITH signals AS (${userSignals(userId, limit)}), recent AS (
      SELECT * FROM signals ORDER BY created_at DESC LIMIT ${limit}
    ), questions AS (
      -- Each question of the conversations the history touches, with its turn index (how many user messages came
      -- before it), numbered in one pass per conversation by a lateral index scan. Every turn the read needs is
      -- reached through an index from the user's own rows (the questions here, the answers by primary key below):
      -- as joins, the planner takes the function's thousand estimated rows at their word and hashes the whole turns
      -- table, a cost that depended on everyone else's history (11-15 ms a read on a 25,000-turn database).
      SELECT q.*
        FROM (SELECT DISTINCT chat_session_id FROM recent) s
        CROSS JOIN LATERAL (
          SELECT t.id, t.content, t.embedder_id, t.query_embedding, (row_number() OVER (ORDER BY t.position) - 1)::int AS turn_index
            FROM turns t WHERE t.chat_session_id = s.chat_session_id AND t.role = 'user'
        ) q
    )
    SELECT recent.interaction_id, recent.chat_session_id::text, recent.model_id, m.description AS model_description, recent.rating,
           CASE WHEN ${withResponseText} THEN (SELECT a.content FROM turns a WHERE a.id = recent.answer_id) END AS response_text,
           (SELECT char_length(a.content)::int FROM turns a WHERE a.id = recent.answer_id) AS response_chars, recent.created_at,
           q.id::text AS question_id, q.content AS query_text,
           CASE WHEN q.embedder_id = ${embeddingKey} AND q.id <> ALL(${keptQuestionIds}::uuid[]) THEN q.query_embedding END AS query_embedding,
           q.turn_index
      FROM recent JOIN questions q ON q.id = recent.parent_id
      LEFT JOIN llm_models m ON m.id = recent.model_id`;
}

/**
 * Question embeddings kept between a user's history reads: 20,000 of 512 dimensions are 41 MB, the full
 * histories (200 rated turns) of the last 100 users read.
 */
const QUESTION_EMBEDDINGS_KEPT = 20_000;

/** The user's rated history from Postgres (the signals of userSignals), newest first. */
export class PrismaHistoryStore implements HistoryStore {
  readonly #questions = new QuestionEmbeddingCache(QUESTION_EMBEDDINGS_KEPT);

  constructor(private readonly dim: number) {}

  /**
   * The answers' lengths always (char_length counts code points, as the contract does); their texts only when asked.
   * The question embeddings this store kept from the user's last read are not read again.
   */
  async getRatedHistory({ userId, limit, embeddingKey, withResponseText = false }: GetRatedHistoryArgs): Promise<readonly RatedInteraction[]> {
    const kept = this.#questions.known(userId, embeddingKey);
    const rows = await prisma.$queryRaw<HistoryRow[]>(ratedHistoryStatement({ userId, limit, embeddingKey, withResponseText }, [...kept.keys()]));
    const byQuestion = new Map<string, Float32Array>();
    for (const r of rows) {
      const embedding = kept.get(r.question_id) ?? (r.query_embedding ? embeddingFromBytes(r.query_embedding, this.dim) : undefined);
      if (embedding) byQuestion.set(r.question_id, embedding);
    }
    this.#questions.keep(userId, embeddingKey, byQuestion);
    return rows.map((r) => ({
      interactionId: r.interaction_id,
      chatSessionId: r.chat_session_id,
      turnIndex: r.turn_index,
      queryText: r.query_text,
      modelId: r.model_id,
      modelDescription: r.model_description,
      rating: r.rating,
      responseText: r.response_text,
      responseChars: r.response_chars,
      createdAt: r.created_at,
      queryEmbedding: byQuestion.get(r.question_id) ?? null,
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
