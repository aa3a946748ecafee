import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Migration directories written per test, because the runner's tests need a unique schema each
 * (PostgreSQL is shared) and migration SQL names its schema. `{{schema}}` in a script is
 * replaced by the test's schema.
 */
export class MigrationDirs {
  private constructor(readonly root: string) {}

  static async create(): Promise<MigrationDirs> {
    return new MigrationDirs(await mkdtemp(join(tmpdir(), 'stowage-db-migrations-')));
  }

  /** Writes (or overwrites) `<root>/<name>/migration.sql`. */
  async write(name: string, script: string, schema: string): Promise<void> {
    await mkdir(join(this.root, name), { recursive: true });
    await writeFile(this.path(name), script.replaceAll('{{schema}}', `"${schema}"`));
  }

  path(name: string): string {
    return join(this.root, name, 'migration.sql');
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.root, name), { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** Two migrations where the second only works after the first. */
export const CREATE_ITEMS = `CREATE TABLE {{schema}}."items" ("id" SERIAL NOT NULL, CONSTRAINT "items_pkey" PRIMARY KEY ("id"));\n`;
export const ADD_ITEM_NAME = `ALTER TABLE {{schema}}."items" ADD COLUMN "name" TEXT;\nCREATE INDEX "items_name_idx" ON {{schema}}."items"("name");\n`;
/** Creates a table, then fails: nothing of it may survive. */
export const HALF_BROKEN = `CREATE TABLE {{schema}}."half" ("id" INTEGER);\nINSERT INTO {{schema}}."no_such_table" VALUES (1);\n`;
