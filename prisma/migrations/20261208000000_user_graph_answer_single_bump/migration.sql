-- An answer's update moved its user's version twice (once as OLD, once as NEW) when the user stayed the same; the
-- second move is work for nothing. Its own user moves once, and a new owner, if any, once more, as
-- user_graph_row_changed already does (20261207000000_user_graph_versions).
CREATE OR REPLACE FUNCTION user_graph_answer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF EXISTS (SELECT 1 FROM turns s WHERE s.parent_id = NEW.parent_id AND s.id <> NEW.id) THEN PERFORM bump_user_graph(NEW.user_id); END IF;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM bump_user_graph(OLD.user_id);
  ELSIF NEW.model_id IS DISTINCT FROM OLD.model_id OR NEW.parent_id IS DISTINCT FROM OLD.parent_id OR NEW.user_id IS DISTINCT FROM OLD.user_id
     OR EXISTS (SELECT 1 FROM routing_decisions d WHERE d.turn_id = NEW.id AND d.override) THEN
    PERFORM bump_user_graph(OLD.user_id);
    IF NEW.user_id IS DISTINCT FROM OLD.user_id THEN PERFORM bump_user_graph(NEW.user_id); END IF;
  END IF;
  RETURN NULL;
END
$$;
