-- The model catalog's version, moved in the writing transaction by every change to llm_models. Every turn needs the
-- enabled models, and reading them cost a statement per turn (about 2 ms of the first token's time under the turn's
-- other reads, bench/chat-routing): an instance keeps the list it read and reads it again only when this version
-- moved, which the turn learns in the statement that reads the user graph's version.
CREATE TABLE "llm_catalog_version" (
  "id" BOOLEAN NOT NULL PRIMARY KEY DEFAULT true CHECK ("id"),
  "version" BIGINT NOT NULL
);
INSERT INTO "llm_catalog_version" ("id", "version") VALUES (true, 1);

CREATE FUNCTION llm_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE llm_catalog_version SET version = version + 1;
  RETURN NULL;
END
$$;

-- A row's update counts when anything but its timestamp changed: `switchboard models sync` rewrites every model's
-- wiring at each start, which must not re-read the catalog and re-encode every user on every instance. Comparing
-- the whole row (less updated_at) keeps a column added later from being missed.
CREATE TRIGGER llm_catalog_insert AFTER INSERT ON llm_models FOR EACH ROW EXECUTE FUNCTION llm_catalog_changed();
CREATE TRIGGER llm_catalog_update AFTER UPDATE ON llm_models FOR EACH ROW
  WHEN (to_jsonb(OLD) - 'updated_at' IS DISTINCT FROM to_jsonb(NEW) - 'updated_at') EXECUTE FUNCTION llm_catalog_changed();
CREATE TRIGGER llm_catalog_delete AFTER DELETE ON llm_models FOR EACH ROW EXECUTE FUNCTION llm_catalog_changed();
CREATE TRIGGER llm_catalog_truncate AFTER TRUNCATE ON llm_models FOR EACH STATEMENT EXECUTE FUNCTION llm_catalog_changed();
