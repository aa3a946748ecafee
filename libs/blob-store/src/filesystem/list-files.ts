import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { compareKeys } from '../keys';
import type { BlobInfo } from '../ports';
import { hasCode } from './file-writes';

interface Entry {
  dirent: Dirent;
  /** The key, with a trailing `/` for folders, so sorting entries yields keys in S3's order. */
  sortKey: string;
}

async function readEntries(directory: string, keyPrefix: string): Promise<Entry[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (hasCode(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
  return dirents
    .filter((d) => d.isFile() || d.isDirectory())
    .map((dirent) => ({ dirent, sortKey: keyPrefix + dirent.name + (dirent.isDirectory() ? '/' : '') }))
    .sort((a, b) => compareKeys(a.sortKey, b.sortKey));
}

/**
 * Walks `root` below the folder part of `prefix` and yields every file whose key starts with
 * `prefix`, in UTF-8 key order. Every key under folder `b` starts with `b/`, so ordering folders by
 * `name + '/'` among their sibling files (`b-x` < `b/` < `b0`) gives the same order as S3.
 */
export async function* listFiles(
  root: string,
  prefix: string,
  isHidden: (key: string) => boolean,
): AsyncGenerator<BlobInfo> {
  const folderKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  yield* walk(root, folderKey, prefix, isHidden);
}

async function* walk(
  root: string,
  folderKey: string,
  prefix: string,
  isHidden: (key: string) => boolean,
): AsyncGenerator<BlobInfo> {
  for (const { dirent, sortKey } of await readEntries(path.join(root, folderKey), folderKey)) {
    if (isHidden(sortKey)) continue;
    // A folder is entered when it lies inside the prefix or the prefix lies inside it (prefix `a/bc`
    // never enters folder `a/b/`); a file must start with the prefix.
    if (dirent.isDirectory()) {
      if (sortKey.startsWith(prefix) || prefix.startsWith(sortKey))
        yield* walk(root, sortKey, prefix, isHidden);
      continue;
    }
    if (!sortKey.startsWith(prefix)) continue;
    try {
      const stats = await stat(path.join(root, sortKey));
      yield { key: sortKey, size: stats.size, modifiedAt: stats.mtime };
    } catch (error) {
      // Deleted between readdir and stat: it is simply no longer listed.
      if (!hasCode(error, 'ENOENT')) throw error;
    }
  }
}
