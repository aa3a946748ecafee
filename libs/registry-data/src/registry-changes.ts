import type { Database } from '@stowage/db';

/** The channel and session setting of the `registry_change_notices` migration. */
const CHANNEL = 'registry_changes';
const SETTING = 'stowage.registry_change_notices';

/**
 * Whether this database can announce every registry change before its commit returns. Only an
 * embedded PGlite can promise that: it is one session in this process, so it is the only writer
 * and its notices are delivered synchronously. In PostgreSQL other processes write too and a
 * notice would arrive after the writer's answer.
 */
export function announcesRegistryChanges(db: Database): boolean {
  return db.kind === 'pglite';
}

/**
 * Calls `onChange` at the commit of every change to tags, manifests or repositories, made by any
 * client of this database, before that commit returns to its caller; null where the database
 * cannot (see announcesRegistryChanges), and callers must check what they cached.
 */
export async function onRegistryChanges(
  db: Database,
  onChange: () => void,
): Promise<{ close(): Promise<void> } | null> {
  if (db.kind !== 'pglite') return null;
  await db.pglite.exec(`SET ${SETTING} = 'on'`);
  const unlisten = await db.pglite.listen(CHANNEL, onChange);
  return {
    async close() {
      if (!db.pglite.closed) await unlisten();
    },
  };
}
