-- The user's graph: one row per signal, from explicit ratings, compare-mode votes (winner 1, loser 0, tie 0.5,
-- both bad 0) and unrated router overrides of messages with a single answer (rated p_override_rating). The one
-- definition of it: the router's history read and its fingerprint both select from it
-- (lib/router/prisma-history-store.ts). A PL/pgSQL function, so that each connection plans this union once
-- and reuses the plan: inlined in the two queries it cost 4-8 ms of planning on every turn and every rating
-- (pg_stat_statements during bench/load/run.ts), more than running them.
CREATE FUNCTION user_signals(p_user_id uuid, p_override_rating float8)
RETURNS TABLE (interaction_id text, answer_id uuid, chat_session_id uuid, parent_id uuid, model_id text, rating float8, created_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT a.id::text, a.id, a.chat_session_id, a.parent_id, a.model_id, r.value, r.updated_at
      FROM ratings r JOIN turns a ON a.id = r.turn_id
     WHERE r.user_id = p_user_id AND a.model_id IS NOT NULL AND a.parent_id IS NOT NULL
    UNION ALL
    SELECT a.id::text || ':cmp', a.id, a.chat_session_id, a.parent_id, a.model_id,
           CASE WHEN c.winner = 'tie' THEN 0.5 WHEN c.winner = 'both_bad' THEN 0 WHEN (c.winner = 'a') = (a.id = c.turn_a_id) THEN 1 ELSE 0 END::float8,
           c.voted_at
      FROM comparisons c JOIN turns a ON a.id IN (c.turn_a_id, c.turn_b_id)
     WHERE c.user_id = p_user_id AND c.winner IS NOT NULL AND a.model_id IS NOT NULL
    UNION ALL
    SELECT a.id::text || ':override', a.id, a.chat_session_id, a.parent_id, a.model_id, p_override_rating, d.created_at
      FROM routing_decisions d JOIN turns a ON a.id = d.turn_id
     WHERE d.user_id = p_user_id AND d.override AND a.status = 'completed' AND a.model_id IS NOT NULL
       -- "forget my preferences" keeps the decision log but drops earlier overrides from the graph
       AND d.created_at > COALESCE((SELECT u.preferences_reset_at FROM users u WHERE u.id = p_user_id), '-infinity')
       AND NOT EXISTS (SELECT 1 FROM ratings r2 WHERE r2.turn_id = a.id)
       -- several answers to one message (compare mode, regenerate) are judged by votes and ratings instead
       AND NOT EXISTS (SELECT 1 FROM turns s WHERE s.parent_id = a.parent_id AND s.id <> a.id);
END
$$;
