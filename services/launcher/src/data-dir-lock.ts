import fs from 'node:fs';
import path from 'node:path';
import { lock } from 'proper-lockfile';

/**
 * How long a lock whose holder stopped refreshing it stays valid. The holder refreshes it every
 * REFRESH_MS, but a first start blocks the event loop for seconds while PGlite runs initdb (3.6 s
 * seen on an idle 2-core machine); a refresh that comes too late makes the holder give up its lock.
 */
const STALE_AFTER_MS = 20_000;
const REFRESH_MS = 2_000;
/** A successor waits this long for a crashed holder's lock to turn stale before it gives up. */
const WAIT_FOR_STALE_MS = STALE_AFTER_MS + 2 * REFRESH_MS;

/**
 * PGlite is a single-process database: two processes on one DATA_DIR would corrupt it. The lock
 * is a directory whose modification time the holder keeps refreshing (proper-lockfile); it
 * records no PID, which another container on the same volume could not check and which a
 * restarted container reuses (its process is PID 1 again). A holder killed without a chance to
 * unlock stops refreshing, so its lock turns stale (STALE_AFTER_MS) and the next start, which waits
 * that long, takes it.
 * Resolves with the release; rejects naming the directory when a live process holds it.
 * `onLost` runs if the lock is taken away or cannot be refreshed while held.
 */
export async function lockDataDir(
  dataDir: string,
  onLost: (error: Error) => void,
): Promise<() => Promise<void>> {
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    return await lock(dataDir, {
      lockfilePath: path.join(dataDir, 'stowage.lock'),
      realpath: false,
      stale: STALE_AFTER_MS,
      update: REFRESH_MS,
      retries: { retries: WAIT_FOR_STALE_MS / 1_000, factor: 1, minTimeout: 1_000, maxTimeout: 1_000 },
      onCompromised: onLost,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new Error(`DATA_DIR ${dataDir} is in use by another running Stowage process`, { cause: error });
  }
}
