import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationChecksum } from './checksum';
import { MigrationError } from './migration-error';

export interface MigrationFile {
  /** Directory name, e.g. `20250101120000_signing_keys`; Prisma's `migration_name`. */
  name: string;
  script: Buffer;
  checksum: string;
}

/**
 * Reads Prisma's layout `<dir>/<stamp>_<name>/migration.sql` in lexical order. Files beside the
 * directories (`migration_lock.toml`) are ignored. A missing `dir` is an error rather than "no
 * migrations": a wrong path must not let a service start on an empty schema.
 */
export async function readMigrationFiles(dir: string, schema: string): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError('unreadable', schema, undefined, `cannot read migrations directory ${dir}`, {
      cause: error,
    });
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  return Promise.all(
    names.map(async (name) => {
      try {
        const script = await readFile(join(dir, name, 'migration.sql'));
        return { name, script, checksum: migrationChecksum(script) };
      } catch (error) {
        throw new MigrationError('unreadable', schema, name, `cannot read ${name}/migration.sql in ${dir}`, {
          cause: error,
        });
      }
    }),
  );
}
