-- A notice on the `registry_changes` channel at the commit of any statement that changes which
-- manifest a repository serves under a tag or digest (tags, manifests, repositories). Only a
-- session that sets `stowage.registry_change_notices` gets them: standalone mode's PGlite, where
-- the notice reaches the process's own manifest cache before the commit returns. PostgreSQL
-- sessions leave it unset, so their commits never take NOTIFY's commit-time lock.
CREATE FUNCTION registry.announce_registry_change() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('stowage.registry_change_notices', true) = 'on' THEN
    PERFORM pg_notify('registry_changes', '');
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER tags_announce_change
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON registry.tags
  FOR EACH STATEMENT EXECUTE FUNCTION registry.announce_registry_change();

CREATE TRIGGER manifests_announce_change
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON registry.manifests
  FOR EACH STATEMENT EXECUTE FUNCTION registry.announce_registry_change();

CREATE TRIGGER repositories_announce_change
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON registry.repositories
  FOR EACH STATEMENT EXECUTE FUNCTION registry.announce_registry_change();
