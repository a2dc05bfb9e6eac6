-- What an explicit rating or a compare vote says about one answer, for every user: the one definition that the
-- user's graph (user_signals, below) and the population prior's sample of everyone's ratings
-- (lib/router/population.ts) both select from, so a vote cannot count one way for a user and another for everyone.
-- Compare votes: winner 1, loser 0, tie 0.5, both bad 0. A single-SELECT SQL function, which PostgreSQL inlines
-- into the query that calls it, so a filter on user_id still reaches both branches (and their indexes).
CREATE FUNCTION answer_signals()
RETURNS TABLE (user_id uuid, interaction_id text, answer_id uuid, chat_session_id uuid, parent_id uuid, model_id text, rating float8, created_at timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT r.user_id, a.id::text, a.id, a.chat_session_id, a.parent_id, a.model_id, r.value, r.updated_at
    FROM ratings r JOIN turns a ON a.id = r.turn_id
   WHERE a.model_id IS NOT NULL AND a.parent_id IS NOT NULL
  UNION ALL
  SELECT c.user_id, a.id::text || ':cmp', a.id, a.chat_session_id, a.parent_id, a.model_id,
         CASE WHEN c.winner = 'tie' THEN 0.5 WHEN c.winner = 'both_bad' THEN 0 WHEN (c.winner = 'a') = (a.id = c.turn_a_id) THEN 1 ELSE 0 END::float8,
         c.voted_at
    FROM comparisons c JOIN turns a ON a.id IN (c.turn_a_id, c.turn_b_id)
   WHERE c.winner IS NOT NULL AND a.model_id IS NOT NULL
$$;

-- The user's graph as before (20261204100000_user_signals_function): the user's answer signals, plus unrated router
-- overrides of messages with a single answer.
CREATE OR REPLACE FUNCTION user_signals(p_user_id uuid, p_override_rating float8)
RETURNS TABLE (interaction_id text, answer_id uuid, chat_session_id uuid, parent_id uuid, model_id text, rating float8, created_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT s.interaction_id, s.answer_id, s.chat_session_id, s.parent_id, s.model_id, s.rating, s.created_at
      FROM answer_signals() s
     WHERE s.user_id = p_user_id
    UNION ALL
    SELECT a.id::text || ':override', a.id, a.chat_session_id, a.parent_id, a.model_id, p_override_rating, d.created_at
      FROM routing_decisions d JOIN turns a ON a.id = d.turn_id
     WHERE d.user_id = p_user_id AND d.override AND a.status = 'completed' AND a.model_id IS NOT NULL
       -- "forget my preferences" keeps the decision log but drops earlier overrides from the graph
       AND d.created_at > COALESCE((SELECT u.preferences_reset_at FROM users u WHERE u.id = p_user_id), '-infinity')
       AND NOT EXISTS (SELECT 1 FROM ratings r2 WHERE r2.turn_id = a.id)
       -- several answers to one message (compare mode, regenerate) are judged by votes and ratings instead
       AND NOT EXISTS (SELECT 1 FROM turns s2 WHERE s2.parent_id = a.parent_id AND s2.id <> a.id);
END
$$;
