-- The registry's replicas also cache which blobs each repository may serve (services/registry,
-- BlobLinkCache). A link stops being true when a link or a blob is deleted or re-pointed, so
-- those statements announce themselves on `registry_changes` too. Inserts do not (a cache never
-- remembers a missing link), nor does the refresh of a link's time or a blob's size at each push.
CREATE TRIGGER repository_blobs_announce_change
  AFTER UPDATE OF repository_id, digest OR DELETE OR TRUNCATE ON registry.repository_blobs
  FOR EACH STATEMENT EXECUTE FUNCTION registry.announce_registry_change();

CREATE TRIGGER blobs_announce_change
  AFTER UPDATE OF digest OR DELETE OR TRUNCATE ON registry.blobs
  FOR EACH STATEMENT EXECUTE FUNCTION registry.announce_registry_change();
