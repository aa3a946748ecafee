import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, type ManagedBlobStore } from '../../src';

/** A filesystem blob store in a throwaway folder (standalone mode's storage), for one test file. */
export interface BlobFolder {
  blobs: ManagedBlobStore;
  /** Dates an object's file back, as if it were written at `when` (stale-object sweeps go by age). */
  backdate(key: string, when: Date): void;
  /** Closes the store and removes the folder. */
  close(): Promise<void>;
}

export async function openBlobFolder(prefix: string): Promise<BlobFolder> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const blobs = createBlobStore({ directory: dir });
  await blobs.initialize();
  return {
    blobs,
    backdate(key, when) {
      utimesSync(join(dir, ...key.split('/')), when, when);
    },
    async close() {
      await blobs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
