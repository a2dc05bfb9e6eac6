import { createHash } from "node:crypto";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "../../support/database";

/** Stable UUID for a fixture name, so tests can name rows. */
export function fixtureId(name: string): string {
  const h = createHash("md5").update(name).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The window every windowed aggregate is asked about: two UTC days. D1 lies before it. */
export const WINDOW = { since: new Date("2026-01-01T00:00:00Z"), until: new Date("2026-01-03T00:00:00Z") };

type TurnSpec = {
  name: string;
  user: string;
  model: string;
  at: string;
  prompt: number | null;
  completion: number | null;
  status: "completed" | "failed";
  latency: number | null;
  ttft: number | null;
};
type DecisionSpec = {
  turn: string;
  version: string;
  provider: string;
  totalMs: number;
  ratingsUsed: number;
  coldStart: boolean;
  override?: boolean;
  fallback?: boolean;
};
type RatingSpec = { turn: string; stars: number | null; thumbsUp: boolean | null; value: number };

export const USERS = ["alice", "bob", "carol", "dave"] as const;

/**
 * Small known data. Prices: m-cheap 1/2, m-pricey 10/20 per 1M tokens;
 * m-off is disabled and priced highest, so it is never the "most expensive".
 */
export const TURNS: TurnSpec[] = [
  { name: "A1", user: "alice", model: "m-cheap", at: "2026-01-01T10:00:00Z", prompt: 1000, completion: 2000, status: "completed", latency: 100, ttft: 10 },
  { name: "A2", user: "alice", model: "m-pricey", at: "2026-01-01T11:00:00Z", prompt: 1000, completion: 1000, status: "completed", latency: 300, ttft: 30 },
  { name: "B1", user: "bob", model: "m-cheap", at: "2026-01-01T12:00:00Z", prompt: null, completion: null, status: "failed", latency: null, ttft: null },
  { name: "B2", user: "bob", model: "m-cheap", at: "2026-01-02T10:00:00Z", prompt: 2000, completion: 1000, status: "completed", latency: 200, ttft: 20 },
  { name: "C1", user: "carol", model: "m-pricey", at: "2026-01-02T11:00:00Z", prompt: 100, completion: 100, status: "completed", latency: 500, ttft: 50 },
  { name: "D1", user: "carol", model: "m-cheap", at: "2025-12-01T10:00:00Z", prompt: 1_000_000, completion: 0, status: "completed", latency: 999, ttft: 99 },
];

export const DECISIONS: DecisionSpec[] = [
  { turn: "A1", version: "v1", provider: "cpu", totalMs: 1, ratingsUsed: 0, coldStart: true },
  { turn: "A2", version: "v1", provider: "cpu", totalMs: 2, ratingsUsed: 1, coldStart: false, override: true },
  { turn: "B1", version: "v1", provider: "cpu", totalMs: 3, ratingsUsed: 0, coldStart: true, fallback: true },
  { turn: "B2", version: "v2", provider: "cuda", totalMs: 4, ratingsUsed: 0, coldStart: true },
  { turn: "C1", version: "v2", provider: "cuda", totalMs: 10, ratingsUsed: 2, coldStart: false },
  { turn: "D1", version: "v1", provider: "cpu", totalMs: 100, ratingsUsed: 0, coldStart: true },
];

export const RATINGS: RatingSpec[] = [
  { turn: "A1", stars: 5, thumbsUp: true, value: 1 },
  { turn: "A2", stars: 2, thumbsUp: null, value: 0.25 },
  { turn: "B2", stars: null, thumbsUp: false, value: 0 },
  { turn: "C1", stars: 4, thumbsUp: true, value: 0.75 },
  { turn: "D1", stars: 1, thumbsUp: null, value: 0 },
];

/** Alternative answers for compare mode, created before the window so they change no windowed turn figure. */
export const COMPARISONS = [
  { name: "cmp1", query: "A1", a: "A1", b: "X1", altModel: "m-pricey", winner: "a" },
  { name: "cmp2", query: "B2", a: "X2", b: "B2", altModel: "m-pricey", winner: "tie" },
  { name: "cmp3", query: "C1", a: "C1", b: "X3", altModel: "m-cheap", winner: "b" },
  { name: "cmp4", query: "A2", a: "A2", b: "X4", altModel: "m-cheap", winner: "a" },
  { name: "cmp5", query: "B1", a: "B1", b: "X5", altModel: "m-pricey", winner: null },
] as const;

async function seed(url: string, { comparisons }: { comparisons: boolean }) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`INSERT INTO llm_models (id, display_name, base_url, provider_model_id, description, input_price_per_m, output_price_per_m, enabled, updated_at) VALUES
      ('m-cheap', 'Cheap', 'http://x/v1', 'cheap', 'cheap model', 1, 2, true, now()),
      ('m-pricey', 'Pricey', 'http://x/v1', 'pricey', 'pricey model', 10, 20, true, now()),
      ('m-off', 'Off', 'http://x/v1', 'off', 'disabled model', 100, 100, false, now())`);
    for (const [i, u] of USERS.entries()) {
      await c.query(`INSERT INTO users (id, email, role, created_at) VALUES ($1, $2, 'user', $3)`, [
        fixtureId(u),
        `${u}@example.test`,
        new Date(Date.UTC(2025, 10, 1 + i)),
      ]);
      await c.query(`INSERT INTO chat_sessions (id, user_id, updated_at) VALUES ($1, $2, now())`, [fixtureId(`s-${u}`), fixtureId(u)]);
    }
    const positions = new Map<string, number>();
    const addTurn = async (
      name: string,
      user: string,
      role: "user" | "assistant",
      fields: {
        parent?: string;
        model?: string;
        at: string;
        prompt?: number | null;
        completion?: number | null;
        status?: string;
        latency?: number | null;
        ttft?: number | null;
      },
    ) => {
      const position = positions.get(user) ?? 0;
      positions.set(user, position + 1);
      await c.query(
        `INSERT INTO turns (id, chat_session_id, user_id, position, role, content, parent_id, model_id, status, prompt_tokens, completion_tokens, latency_ms, ttft_ms, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          fixtureId(name),
          fixtureId(`s-${user}`),
          fixtureId(user),
          position,
          role,
          name,
          fields.parent ? fixtureId(fields.parent) : null,
          fields.model ?? null,
          fields.status ?? "completed",
          fields.prompt ?? null,
          fields.completion ?? null,
          fields.latency ?? null,
          fields.ttft ?? null,
          fields.at,
        ],
      );
    };
    for (const t of TURNS) {
      await addTurn(`U${t.name}`, t.user, "user", { at: t.at });
      await addTurn(t.name, t.user, "assistant", {
        parent: `U${t.name}`,
        model: t.model,
        at: t.at,
        prompt: t.prompt,
        completion: t.completion,
        status: t.status,
        latency: t.latency,
        ttft: t.ttft,
      });
    }
    for (const d of DECISIONS) {
      const turn = TURNS.find((t) => t.name === d.turn)!;
      const candidates = [
        { modelId: "m-cheap", score: 0.6, probability: 0.6 },
        { modelId: "m-pricey", score: 0.4, probability: 0.4 },
      ];
      await c.query(
        `INSERT INTO routing_decisions (id, turn_id, user_id, chosen_model_id, router_version, execution_provider, candidates, confidence, ratings_used, cold_start, override, fallback, timings, total_ms, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0.6, $8, $9, $10, $11, $12, $13, $14)`,
        [
          fixtureId(`d-${d.turn}`),
          fixtureId(d.turn),
          fixtureId(turn.user),
          turn.model,
          d.version,
          d.provider,
          JSON.stringify(candidates),
          d.ratingsUsed,
          d.coldStart,
          d.override ?? false,
          d.fallback ?? false,
          JSON.stringify({ totalMs: d.totalMs }),
          d.totalMs,
          turn.at,
        ],
      );
    }
    for (const r of RATINGS) {
      const turn = TURNS.find((t) => t.name === r.turn)!;
      await c.query(`INSERT INTO ratings (id, turn_id, user_id, thumbs_up, stars, value, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, [
        fixtureId(`r-${r.turn}`),
        fixtureId(r.turn),
        fixtureId(turn.user),
        r.thumbsUp,
        r.stars,
        r.value,
        turn.at,
      ]);
    }
    await c.query(`INSERT INTO router_versions (id, path, manifest, metrics, active, created_at, activated_at) VALUES
      ('v1', '/models/v1', '{}', '{"auc": 0.7}', false, '2025-11-01T00:00:00Z', '2025-11-01T00:00:00Z'),
      ('v2', '/models/v2', '{}', '{"auc": 0.75}', true, '2026-01-02T00:00:00Z', '2026-01-02T00:00:00Z')`);
    await c.query(
      `INSERT INTO training_runs (id, status, progress, stage, log, created_at) VALUES
      ($1, 'succeeded', 1, 'done', 'old log', '2025-11-01T00:00:00Z'),
      ($2, 'failed', 0.5, 'train', $3, '2026-01-02T00:00:00Z')`,
      [fixtureId("run-1"), fixtureId("run-2"), `${"x".repeat(5000)}tail-end`],
    );
    if (comparisons) {
      for (const cmp of COMPARISONS) {
        const routed = TURNS.find((t) => t.name === cmp.query)!;
        const alt = cmp.a.startsWith("X") ? cmp.a : cmp.b;
        await addTurn(alt, routed.user, "assistant", { parent: `U${cmp.query}`, model: cmp.altModel, at: "2025-11-15T00:00:00Z", prompt: 10, completion: 10 });
        await c.query(
          `INSERT INTO comparisons (id, user_id, user_turn_id, turn_a_id, turn_b_id, winner, created_at) VALUES ($1, $2, $3, $4, $5, $6, '2026-01-02T12:00:00Z')`,
          [fixtureId(cmp.name), fixtureId(routed.user), fixtureId(`U${cmp.query}`), fixtureId(cmp.a), fixtureId(cmp.b), cmp.winner],
        );
      }
    }
  } finally {
    await c.end();
  }
}

/**
 * A fresh database holding only the fixture, made the app's database for
 * this test file: call before anything imports lib/env or the Prisma client.
 */
export async function useFixtureDatabase({ comparisons = false } = {}): Promise<TestDatabase> {
  const db = await createTestDatabase("sb_admin");
  await seed(db.url, { comparisons });
  process.env.DATABASE_URL = db.url;
  return db;
}
