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
 * speak for everyone. Counts per model cover the window the sample was read from (exploration reads them).
 */
const PER_USER_CAP = 25;

type SampleRow = { model_id: string; rating: number; query_text: string; query_embedding: Uint8Array | null };
type CountRow = { model_id: string; n: number };

/**
 * How far back a reload reads: the newest POPULATION_WINDOW signals, more only while they hold less than a full
 * sample (their signals came from fewer than 40 users). Reading every signal ever given cost PostgreSQL 3.4-4.0 s per
 * reload at a million ratings, on every instance every refresh period, growing with the deployment
 * (bench/routing/population-load.ts). A user's newest signals rank the same inside the window as among all of
 * them, so a window that holds a full sample holds the sample every signal gives.
 */
export const POPULATION_WINDOW = 5 * POPULATION_SAMPLE_SIZE;

/**
 * When the newest `size` signals begin: the time answer_signals gives the `size`-th newest rating or vote (a
 * rating's last change, a vote's casting), or null when there are fewer. Read from those columns' indexes, so it
 * visits `size` index entries, not every signal.
 */
export async function populationWindowStart(size: number): Promise<Date | null> {
  const [row] = await prisma.$queryRaw<{ at: Date }[]>`
    SELECT at FROM (SELECT updated_at AS at FROM ratings UNION ALL SELECT voted_at FROM comparisons WHERE winner IS NOT NULL) times
     ORDER BY at DESC OFFSET ${size - 1} LIMIT 1`;
  return row?.at ?? null;
}

/** Everyone's answer signals since `since` (the SQL function answer_signals, which the user's graph also reads). */
function signalsSince(since: Date | null): Prisma.Sql {
  const window = since ? Prisma.sql`WHERE created_at >= ${since}` : Prisma.empty;
  return Prisma.sql`SELECT interaction_id, user_id, model_id, rating, created_at AS at, parent_id FROM answer_signals() ${window}`;
}

/**
 * The newest `size` signals since `since` with at most PER_USER_CAP per user, oldest first, with their questions.
 * Signals given at the same time are ordered by id, so the sample does not depend on the plan that read it.
 */
function readSample(since: Date | null, size: number, embeddingKey: string): Promise<SampleRow[]> {
  return prisma.$queryRaw<SampleRow[]>`
    WITH signals AS (${signalsSince(since)}),
         ranked AS (SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY at DESC, interaction_id DESC) AS k FROM signals),
         sample AS (SELECT * FROM ranked WHERE k <= ${PER_USER_CAP} ORDER BY at DESC, interaction_id DESC LIMIT ${size})
    SELECT s.model_id, s.rating, u.content AS query_text,
           CASE WHEN u.embedder_id = ${embeddingKey} THEN u.query_embedding END AS query_embedding
      FROM sample s JOIN turns u ON u.id = s.parent_id
     ORDER BY s.at ASC, s.interaction_id ASC`;
}

export type PopulationReadOptions = {
  /** The newest signals a reload starts from (null: every signal, as each reload read before the window). */
  window?: number | null;
  /** Ratings in the sample. */
  sample?: number;
};

/**
 * Loads the population evidence: the sample, from a window widened fourfold until it holds a full sample or every
 * signal, with its query embeddings under `embeddingKey` (embedding the texts stored without one), and each model's
 * count of signals in that window.
 */
export async function loadPopulationEvidence(
  embedder: Embedder,
  embeddingKey: string,
  { window = POPULATION_WINDOW, sample = POPULATION_SAMPLE_SIZE }: PopulationReadOptions = {},
): Promise<PopulationEvidence> {
  let since: Date | null = null;
  let rows: SampleRow[] = [];
  for (let size = window; ; size = size && 4 * size) {
    since = size === null ? null : await populationWindowStart(size);
    rows = await readSample(since, sample, embeddingKey);
    if (since === null || rows.length >= sample) break;
  }
  const counts = await prisma.$queryRaw<CountRow[]>`SELECT model_id, count(*)::int AS n FROM (${signalsSince(since)}) s GROUP BY model_id`;
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
      sample,
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
