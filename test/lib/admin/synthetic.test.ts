import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSyntheticData, SYNTHETIC_MODELS } from "../../../bench/synthetic/synthetic-data";
import { createTestDatabase, type TestDatabase } from "../../support/database";

let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase("sb_synthetic");
  await generateSyntheticData({ url: db.url, scale: { users: 7, turns: 300, days: 5, sessionsPerUser: 2, comparisonEvery: 50 } });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await db.drop();
});

const one = async (sql: string) => (await client.query(sql)).rows[0];

describe("synthetic data generator", () => {
  it("creates the requested scale: users, rated assistant turns with decisions, comparisons", async () => {
    expect(
      await one(`SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM llm_models)::int AS models,
                             (SELECT count(*) FROM turns WHERE role = 'user')::int AS user_turns,
                             (SELECT count(*) FROM routing_decisions)::int AS decisions, (SELECT count(*) FROM ratings)::int AS ratings,
                             (SELECT count(*) FROM router_versions WHERE active)::int AS active`),
    ).toEqual({
      users: 7,
      models: SYNTHETIC_MODELS.length,
      user_turns: 300,
      decisions: 300,
      ratings: 300,
      active: 1,
    });
    const compare = await one(
      `SELECT (SELECT count(*) FROM comparisons)::int AS comparisons, (SELECT count(*) FROM turns WHERE role = 'assistant' AND position >= 1000000000)::int AS alternatives`,
    );
    expect(compare.comparisons).toBeGreaterThan(0);
    expect(compare.alternatives).toBe(compare.comparisons);
  });

  it("links every routed, rated answer to its question, session and user consistently", async () => {
    expect(
      await one(`SELECT count(*)::int AS bad FROM turns a
                        JOIN routing_decisions d ON d.turn_id = a.id
                        JOIN ratings r ON r.turn_id = a.id
                        JOIN turns q ON q.id = a.parent_id
                       WHERE q.chat_session_id <> a.chat_session_id OR d.user_id <> a.user_id OR r.user_id <> a.user_id
                          OR d.chosen_model_id <> a.model_id OR q.created_at > a.created_at`),
    ).toEqual({ bad: 0 });
    expect(await one(`SELECT count(*)::int AS n FROM turns a JOIN routing_decisions d ON d.turn_id = a.id JOIN ratings r ON r.turn_id = a.id`)).toEqual({
      n: 300,
    });
  });

  it("spreads turns over the requested days and lets the admin sign in", async () => {
    const span = await one(`SELECT extract(epoch FROM max(created_at) - min(created_at)) / 86400 AS days FROM turns`);
    expect(Number(span.days)).toBeGreaterThan(4.9);
    expect(await one(`SELECT role::text, password_hash IS NOT NULL AS has_password FROM users WHERE email = 'user1@synthetic.test'`)).toEqual({
      role: "admin",
      has_password: true,
    });
    // Page routes validate ids as RFC 4122 UUIDs (version and variant nibbles), so generated ids must be.
    expect(
      await one(`SELECT count(*)::int AS bad FROM users WHERE id::text !~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'`),
    ).toEqual({ bad: 0 });
  });
});
