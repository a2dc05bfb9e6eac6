import type pg from "pg";

/** The one model every seeded answer is by. */
export async function seedBenchModel(client: pg.Client): Promise<void> {
  await client.query(
    `INSERT INTO llm_models (id, display_name, base_url, provider_model_id, description) VALUES ('bench-model', 'Bench', 'http://127.0.0.1:1', 'bench', 'a model')`,
  );
}

/** A user with `ratings` rated answers, ten to a conversation, rated a minute apart. */
export async function seedRatedUser(client: pg.Client, ratings: number): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `WITH u AS (INSERT INTO users (id, email) VALUES (gen_random_uuid(), $1) RETURNING id),
     s AS (INSERT INTO chat_sessions (id, user_id, title) SELECT gen_random_uuid(), u.id, 'bench' FROM u, generate_series(1, $2 / 10) RETURNING id, user_id),
     q AS (INSERT INTO turns (id, chat_session_id, user_id, position, role, content)
           SELECT gen_random_uuid(), s.id, s.user_id, 2 * k, 'user', 'question ' || k FROM s, generate_series(0, 9) k
           RETURNING id, chat_session_id, user_id, position),
     a AS (INSERT INTO turns (id, chat_session_id, user_id, position, role, content, parent_id, model_id, status)
           SELECT gen_random_uuid(), q.chat_session_id, q.user_id, q.position + 1, 'assistant', 'answer', q.id, 'bench-model', 'completed' FROM q
           RETURNING id, user_id),
     r AS (INSERT INTO ratings (id, turn_id, user_id, stars, value, updated_at)
           SELECT gen_random_uuid(), a.id, a.user_id, 4, 0.75, now() - (row_number() OVER ()) * interval '1 minute' FROM a)
     SELECT id::text FROM u`,
    [`signals-${ratings}@bench.test`, ratings],
  );
  return rows[0].id;
}

/**
 * Everyone else: `users` users named after `batch`, each with five conversations of ten questions and their answers,
 * every other answer rated; 100 turns and 25 ratings a user.
 */
export async function seedOtherUsers(client: pg.Client, users: number, batch: string): Promise<void> {
  await client.query(
    `WITH u AS (INSERT INTO users (id, email) SELECT gen_random_uuid(), 'other-' || $1 || '-' || g || '@bench.test' FROM generate_series(1, $2) g RETURNING id),
     s AS (INSERT INTO chat_sessions (id, user_id, title) SELECT gen_random_uuid(), u.id, 'other' FROM u, generate_series(1, 5) RETURNING id, user_id),
     q AS (INSERT INTO turns (id, chat_session_id, user_id, position, role, content)
           SELECT gen_random_uuid(), s.id, s.user_id, 2 * k, 'user', 'question ' || k FROM s, generate_series(0, 9) k
           RETURNING id, chat_session_id, user_id, position),
     a AS (INSERT INTO turns (id, chat_session_id, user_id, position, role, content, parent_id, model_id, status)
           SELECT gen_random_uuid(), q.chat_session_id, q.user_id, q.position + 1, 'assistant', 'answer', q.id, 'bench-model', 'completed' FROM q
           RETURNING id, user_id, position)
     INSERT INTO ratings (id, turn_id, user_id, stars, value) SELECT gen_random_uuid(), a.id, a.user_id, 3, 0.5 FROM a WHERE a.position % 4 = 1`,
    [batch, users],
  );
}
