import "server-only";
import { prisma } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { buildEvidence, type Embedder, embeddingFromBytes, POPULATION_SAMPLE_SIZE, type PopulationEvidence, type PopulationSource } from "@/router-core";

/**
 * Everyone's recent ratings, for the router's population prior (router-core/population-prior.ts). Each
 * instance reloads them from the database in the background at most every refresh period, so instances
 * agree within one period and a turn never waits for the load.
 *
 * The sample: explicit ratings and compare votes (router overrides are a user's own habit, not a verdict on
 * an answer), the newest POPULATION_SAMPLE_SIZE of them with at most PER_USER_CAP per user, so a few heavy raters do not
 * speak for everyone. Counts per model cover all of them (exploration reads them).
 */
const PER_USER_CAP = 25;

type SampleRow = { model_id: string; rating: number; query_text: string; query_embedding: Uint8Array | null };
type CountRow = { model_id: string; n: number };

/** Everyone's answer signals (the SQL function answer_signals, which the user's graph also reads). */
const SIGNALS = Prisma.sql`SELECT user_id, model_id, rating, created_at AS at, parent_id FROM answer_signals()`;

/** Loads the population evidence: the sample's query embeddings under `embeddingKey`, embedding the texts stored without one. */
export async function loadPopulationEvidence(embedder: Embedder, embeddingKey: string): Promise<PopulationEvidence> {
  const [rows, counts] = await Promise.all([
    prisma.$queryRaw<SampleRow[]>`
      WITH signals AS (${SIGNALS}),
           ranked AS (SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY at DESC) AS k FROM signals),
           sample AS (SELECT * FROM ranked WHERE k <= ${PER_USER_CAP} ORDER BY at DESC LIMIT ${POPULATION_SAMPLE_SIZE})
      SELECT s.model_id, s.rating, u.content AS query_text,
             CASE WHEN u.embedder_id = ${embeddingKey} THEN u.query_embedding END AS query_embedding
        FROM sample s JOIN turns u ON u.id = s.parent_id
       ORDER BY s.at ASC`,
    prisma.$queryRaw<CountRow[]>`SELECT model_id, count(*)::int AS n FROM (${SIGNALS}) s GROUP BY model_id`,
  ]);
  const stored = rows.map((r) => (r.query_embedding ? embeddingFromBytes(r.query_embedding, embedder.dim) : null));
  const missing = stored.flatMap((e, i) => (e ? [] : [i]));
  const fresh = await embedder.embed(missing.map((i) => rows[i].query_text));
  missing.forEach((row, j) => {
    stored[row] = fresh[j];
  });
  const queries = stored as Float32Array[];
  return {
    ...buildEvidence(
      rows.map((r) => ({ modelId: r.model_id, rating: r.rating })),
      queries,
      embedder.dim,
      POPULATION_SAMPLE_SIZE,
    ),
    ratingCounts: new Map(counts.map((c) => [c.model_id, c.n])),
  };
}

/** The population evidence one app instance serves from, refreshed in the background. */
export class PopulationLoader implements PopulationSource {
  #evidence: PopulationEvidence | null = null;
  #loadedAt = 0;
  #loading: Promise<void> | null = null;

  constructor(
    private readonly refreshMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  current(): PopulationEvidence | null {
    return this.#evidence;
  }

  /** Reloads now (joining a reload under way); keeps the previous evidence when the load fails. */
  refresh(embedder: Embedder, embeddingKey: string): Promise<void> {
    this.#loading ??= (async () => {
      try {
        this.#evidence = await loadPopulationEvidence(embedder, embeddingKey);
      } catch (err) {
        this.onError(err);
      } finally {
        this.#loadedAt = Date.now();
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  /** Whether the evidence is older than the refresh period (or was never loaded). */
  due(): boolean {
    return Date.now() - this.#loadedAt >= this.refreshMs;
  }

  /**
   * Waits for the first load, so a version just loaded serves with the population from its first turn. Later
   * reloads are the turns' (refresh when due), not this.
   */
  async ensureLoaded(embedder: Embedder, embeddingKey: string): Promise<void> {
    if (this.#loadedAt === 0) await this.refresh(embedder, embeddingKey);
  }
}
