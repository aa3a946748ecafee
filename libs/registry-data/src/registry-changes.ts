import { openNoticeFeed, type Database, type DbLogger, type NoticeFeed } from '@stowage/db';

/**
 * The channel that the triggers of the `registry_change_notices` and `blob_link_change_notices`
 * migrations notify at each commit.
 */
const REGISTRY_CHANGES_CHANNEL = 'registry_changes';

/**
 * Calls `onChange` whenever a commit changed tags, manifests or repositories or deleted blobs or
 * their links to repositories, whoever made it (this replica, another one, the cleanup-worker, a
 * raw SQL statement), and whenever changes may have been missed. `sync()` says when every change
 * committed so far has been heard.
 */
export function openRegistryChanges(
  db: Database,
  onChange: () => void,
  logger?: DbLogger,
): Promise<NoticeFeed> {
  return openNoticeFeed(db, { channel: REGISTRY_CHANGES_CHANNEL, onNotice: onChange, logger });
}
