-- A notice on the `registry_changes` channel at the commit of any statement that changes which
-- manifest a repository serves under a tag or digest (tags, manifests, repositories), whoever
-- writes it: the registry's replicas drop what their manifest caches say a reference names
-- (services/registry, ManifestCache). PostgreSQL folds a transaction's identical notices into one.
CREATE FUNCTION registry.announce_registry_change() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('registry_changes', '');
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
