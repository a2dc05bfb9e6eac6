-- A version number per user's graph, moved in the same transaction as every write that can change what
-- user_signals() returns (20261205010000_answer_signals_function). Every turn checks whether another instance
-- changed the user's graph: hashing user_signals() for that cost 1.2-1.4 ms of PostgreSQL per call, about twice a
-- turn (pg_stat_statements under bench/load/run.ts); reading this row is a primary-key lookup.
-- The triggers mirror user_signals' sources. test/lib/router/prisma-history-store.test.ts checks that every table
-- the two functions read has one, and that each kind of change moves the version while a routed turn does not.
CREATE TABLE "user_graph_versions" (
  "user_id" UUID NOT NULL PRIMARY KEY,
  "version" BIGINT NOT NULL
);

-- No foreign key: a user's deletion cascades to their ratings and turns, whose triggers run after the user row is
-- gone; they find no user and store nothing.
CREATE FUNCTION bump_user_graph(p_user_id uuid) RETURNS void LANGUAGE sql AS $$
  INSERT INTO user_graph_versions (user_id, version) SELECT p_user_id, 1 WHERE EXISTS (SELECT 1 FROM users WHERE id = p_user_id)
  ON CONFLICT (user_id) DO UPDATE SET version = user_graph_versions.version + 1
$$;

-- A row of a user's that is a signal was written or removed.
CREATE FUNCTION user_graph_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN PERFORM bump_user_graph(OLD.user_id); END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id) THEN PERFORM bump_user_graph(NEW.user_id); END IF;
  RETURN NULL;
END
$$;

-- Every rating and compare vote is a signal (answer_signals).
CREATE TRIGGER user_graph_ratings AFTER INSERT OR UPDATE OR DELETE ON ratings FOR EACH ROW EXECUTE FUNCTION user_graph_row_changed();
CREATE TRIGGER user_graph_comparisons AFTER INSERT OR UPDATE OR DELETE ON comparisons FOR EACH ROW EXECUTE FUNCTION user_graph_row_changed();

-- A routing decision is a signal only when the user picked the model (an override); most turns' decisions are not,
-- and the WHEN clauses keep them from calling a function at all.
CREATE TRIGGER user_graph_routing_decisions_insert AFTER INSERT ON routing_decisions FOR EACH ROW WHEN (NEW.override)
  EXECUTE FUNCTION user_graph_row_changed();
CREATE TRIGGER user_graph_routing_decisions_update AFTER UPDATE ON routing_decisions FOR EACH ROW
  WHEN ((OLD.override OR NEW.override) AND (OLD.override, OLD.user_id, OLD.turn_id, OLD.created_at) IS DISTINCT FROM (NEW.override, NEW.user_id, NEW.turn_id, NEW.created_at))
  EXECUTE FUNCTION user_graph_row_changed();
CREATE TRIGGER user_graph_routing_decisions_delete AFTER DELETE ON routing_decisions FOR EACH ROW WHEN (OLD.override)
  EXECUTE FUNCTION user_graph_row_changed();

-- Answers: a second answer to one message (compare mode, regenerate) or a removed one decides whether a pick counts;
-- an override counts once its answer completed; a signal names its answer's model and message. Routed answers
-- without a sibling (most turns) move nothing.
CREATE FUNCTION user_graph_answer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF EXISTS (SELECT 1 FROM turns s WHERE s.parent_id = NEW.parent_id AND s.id <> NEW.id) THEN PERFORM bump_user_graph(NEW.user_id); END IF;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM bump_user_graph(OLD.user_id);
  ELSIF NEW.model_id IS DISTINCT FROM OLD.model_id OR NEW.parent_id IS DISTINCT FROM OLD.parent_id OR NEW.user_id IS DISTINCT FROM OLD.user_id
     OR EXISTS (SELECT 1 FROM routing_decisions d WHERE d.turn_id = NEW.id AND d.override) THEN
    PERFORM bump_user_graph(OLD.user_id);
    PERFORM bump_user_graph(NEW.user_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER user_graph_turns_insert AFTER INSERT ON turns FOR EACH ROW WHEN (NEW.role = 'assistant') EXECUTE FUNCTION user_graph_answer_changed();
CREATE TRIGGER user_graph_turns_delete AFTER DELETE ON turns FOR EACH ROW WHEN (OLD.role = 'assistant') EXECUTE FUNCTION user_graph_answer_changed();
CREATE TRIGGER user_graph_turns_update AFTER UPDATE OF status, model_id, parent_id, user_id ON turns FOR EACH ROW
  WHEN (NEW.role = 'assistant' AND (NEW.status, NEW.model_id, NEW.parent_id, NEW.user_id) IS DISTINCT FROM (OLD.status, OLD.model_id, OLD.parent_id, OLD.user_id))
  EXECUTE FUNCTION user_graph_answer_changed();

-- "Forget my preferences" drops earlier overrides.
CREATE FUNCTION user_graph_reset_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM bump_user_graph(NEW.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER user_graph_users_reset AFTER UPDATE OF preferences_reset_at ON users FOR EACH ROW
  WHEN (NEW.preferences_reset_at IS DISTINCT FROM OLD.preferences_reset_at) EXECUTE FUNCTION user_graph_reset_changed();

-- A deleted user's version goes with them.
CREATE FUNCTION user_graph_user_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM user_graph_versions WHERE user_id = OLD.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER user_graph_users_delete AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION user_graph_user_deleted();
