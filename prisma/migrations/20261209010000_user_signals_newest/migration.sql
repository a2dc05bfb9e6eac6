-- A user's graph is their newest signals (ROUTER_HISTORY_LIMIT, 200), but user_signals() gave every signal the user
-- ever gave, for the history read to sort: a cost that grew with everything the user rated, paid on every re-encode,
-- that is on every rating. user_signals(user, override rating, newest) now reads from where the user's newest
-- `p_newest` ratings, votes and overrides begin, found through their (user_id, time) indexes, and further back only
-- while what it read holds fewer signals than asked (a rating of an answer whose model was removed, or an override
-- that a rating replaced, is none). It may return more than `p_newest` signals; the newest `p_newest` are among them.
-- Additive, so a rolling restart still works: the two-argument form stays, for the previous release's instances.

-- The user's signals given at or after p_since: their answer signals, plus unrated router overrides of messages
-- with a single answer (as 20261205010000_answer_signals_function defined them).
CREATE FUNCTION user_signals_since(p_user_id uuid, p_override_rating float8, p_since timestamptz)
RETURNS TABLE (interaction_id text, answer_id uuid, chat_session_id uuid, parent_id uuid, model_id text, rating float8, created_at timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT s.interaction_id, s.answer_id, s.chat_session_id, s.parent_id, s.model_id, s.rating, s.created_at
    FROM answer_signals() s
   WHERE s.user_id = p_user_id AND s.created_at >= p_since
  UNION ALL
  SELECT a.id::text || ':override', a.id, a.chat_session_id, a.parent_id, a.model_id, p_override_rating, d.created_at
    FROM routing_decisions d JOIN turns a ON a.id = d.turn_id
   WHERE d.user_id = p_user_id AND d.override AND d.created_at >= p_since AND a.status = 'completed' AND a.model_id IS NOT NULL
     -- "forget my preferences" keeps the decision log but drops earlier overrides from the graph
     AND d.created_at > COALESCE((SELECT u.preferences_reset_at FROM users u WHERE u.id = p_user_id), '-infinity')
     AND NOT EXISTS (SELECT 1 FROM ratings r2 WHERE r2.turn_id = a.id)
     -- several answers to one message (compare mode, regenerate) are judged by votes and ratings instead
     AND NOT EXISTS (SELECT 1 FROM turns s2 WHERE s2.parent_id = a.parent_id AND s2.id <> a.id)
$$;

-- The previous release's form, every signal, for its instances until they restart; the next release drops it.
CREATE OR REPLACE FUNCTION user_signals(p_user_id uuid, p_override_rating float8)
RETURNS TABLE (interaction_id text, answer_id uuid, chat_session_id uuid, parent_id uuid, model_id text, rating float8, created_at timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT * FROM user_signals_since(p_user_id, p_override_rating, '-infinity')
$$;

-- A PL/pgSQL function, so that each connection plans it once (20261204100000_user_signals_function).
CREATE FUNCTION user_signals(p_user_id uuid, p_override_rating float8, p_newest int)
RETURNS TABLE (interaction_id text, answer_id uuid, chat_session_id uuid, parent_id uuid, model_id text, rating float8, created_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  v_window int := p_newest;
  v_since timestamptz;
  v_before timestamptz := 'infinity';
  v_found bigint := 0;
  v_rows bigint;
BEGIN
  IF p_newest < 1 THEN
    RETURN;
  END IF;
  LOOP
    -- Where the user's newest v_window ratings, votes and overrides begin (null: they have fewer).
    v_since := (SELECT t.at FROM (
        SELECT r.updated_at AS at FROM ratings r WHERE r.user_id = p_user_id
        UNION ALL SELECT c.voted_at FROM comparisons c WHERE c.user_id = p_user_id AND c.winner IS NOT NULL
        UNION ALL SELECT d.created_at FROM routing_decisions d WHERE d.user_id = p_user_id AND d.override
      ) t ORDER BY t.at DESC OFFSET v_window - 1 LIMIT 1);
    RETURN QUERY
      SELECT * FROM user_signals_since(p_user_id, p_override_rating, COALESCE(v_since, '-infinity')) s WHERE s.created_at < v_before;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    v_found := v_found + v_rows;
    EXIT WHEN v_since IS NULL OR v_found >= p_newest;
    v_before := v_since;
    v_window := v_window * 4;
  END LOOP;
END
$$;
