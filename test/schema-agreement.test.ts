import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrismaClient, findSchemaDrift, migrate, openDatabase, type Database } from '@stowage/db';
import { describeWithComponents, POSTGRES_URL, uniqueName } from '@stowage/testing';
import { PrismaClient as AuthTokenClient } from '../services/auth-token/src/generated/prisma/client';
import { AUTH_TOKEN_MIGRATIONS_DIR, AUTH_TOKEN_SCHEMA } from '../services/auth-token/src/schema';
import { PrismaClient as DependencyProxyClient } from '../libs/dependency-proxy-data/src/generated/prisma/client';
import {
  DEPENDENCY_PROXY_MIGRATIONS_DIR,
  DEPENDENCY_PROXY_SCHEMA,
} from '../libs/dependency-proxy-data/src/schema';
import { PrismaClient as PackageRegistryClient } from '../libs/package-registry-data/src/generated/prisma/client';
import {
  PACKAGE_REGISTRY_MIGRATIONS_DIR,
  PACKAGE_REGISTRY_SCHEMA,
} from '../libs/package-registry-data/src/schema';
import { PrismaClient as RegistryClient } from '../libs/registry-data/src/generated/prisma/client';
import { REGISTRY_MIGRATIONS_DIR, REGISTRY_SCHEMA } from '../services/registry/src/schema';
import { seedPgliteDataDir } from '../libs/db/test/support/pglite-template';

/**
 * Every service that owns tables: its generated client (from schema.prisma) and its migrations.
 * `prisma migrate dev` cannot run here, so nothing else notices when the two drift apart.
 */
interface OwningService {
  name: string;
  schema: string;
  migrationsDir: string;
  createClient(db: Database): PrismaLike;
}

interface PrismaLike {
  $disconnect(): Promise<void>;
}

const SERVICES: OwningService[] = [
  {
    name: 'auth-token',
    schema: AUTH_TOKEN_SCHEMA,
    migrationsDir: AUTH_TOKEN_MIGRATIONS_DIR,
    createClient: (db) => createPrismaClient(AuthTokenClient, db),
  },
  {
    name: 'registry',
    schema: REGISTRY_SCHEMA,
    migrationsDir: REGISTRY_MIGRATIONS_DIR,
    createClient: (db) => createPrismaClient(RegistryClient, db),
  },
  {
    name: 'dependency-proxy',
    schema: DEPENDENCY_PROXY_SCHEMA,
    migrationsDir: DEPENDENCY_PROXY_MIGRATIONS_DIR,
    createClient: (db) => createPrismaClient(DependencyProxyClient, db),
  },
  {
    name: 'package-registry',
    schema: PACKAGE_REGISTRY_SCHEMA,
    migrationsDir: PACKAGE_REGISTRY_MIGRATIONS_DIR,
    createClient: (db) => createPrismaClient(PackageRegistryClient, db),
  },
];

// A fresh PGlite runs initdb in WebAssembly, which takes several seconds on two busy cores.
const SETUP_TIMEOUT_MS = 120_000;

interface MigrationOnDisk {
  name: string;
  sha256: string;
}

/** Computed here rather than by @stowage/db, so a bug in its checksum cannot hide itself. */
async function migrationsOnDisk(dir: string): Promise<MigrationOnDisk[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      sha256: createHash('sha256')
        .update(await readFile(path.join(dir, name, 'migration.sql')))
        .digest('hex'),
    })),
  );
}

/** Table names the generated client maps its models to (the same runtime model findSchemaDrift reads). */
function modelTables(client: object): string[] {
  const dataModel = Reflect.get(client, '_runtimeDataModel') as {
    models: Record<string, { dbName?: string | null }>;
  };
  return Object.entries(dataModel.models).map(([name, model]) => model.dbName ?? name);
}

function describeAgreement(target: { db(): Database; clients(): Map<string, PrismaLike> }): void {
  describe.each(SERVICES.map((service) => [service.name, service] as const))('%s', (_name, service) => {
    it('when its migrations are applied, then its Prisma client finds no drift', async () => {
      const client = target.clients().get(service.name)!;

      expect(await findSchemaDrift(client, target.db(), service.schema)).toEqual([]);
    });

    it('when its migrations are applied, then every table they create has a model', async () => {
      const client = target.clients().get(service.name)!;

      const { rows } = await target.db().query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
            WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`,
        [service.schema],
      );

      expect(rows.map((row) => row.table_name).sort()).toEqual(modelTables(client).sort());
    });

    it('when its migrations are applied, then _prisma_migrations records the sha256 of each migration.sql', async () => {
      const onDisk = await migrationsOnDisk(service.migrationsDir);

      const { rows } = await target.db().query<{ name: string; sha256: string; finished: boolean }>(
        `SELECT migration_name AS name, checksum AS sha256, finished_at IS NOT NULL AS finished
           FROM "${service.schema}"."_prisma_migrations"
          WHERE rolled_back_at IS NULL
          ORDER BY migration_name`,
      );

      expect(onDisk.length).toBeGreaterThan(0);
      expect(rows).toEqual(onDisk.map((migration) => ({ ...migration, finished: true })));
    });
  });
}

/** Migrates every service into `db` and builds each one's client, as standalone mode does. */
async function migrateAll(db: Database): Promise<Map<string, PrismaLike>> {
  for (const service of SERVICES) {
    await migrate(db, { schema: service.schema, migrationsDir: service.migrationsDir });
  }
  return new Map(SERVICES.map((service) => [service.name, service.createClient(db)]));
}

async function disconnectAll(clients: Map<string, PrismaLike> | undefined): Promise<void> {
  await Promise.all([...(clients?.values() ?? [])].map((client) => client.$disconnect()));
}

describe('schema.prisma and migrations on PGlite', () => {
  let dir: string;
  let db: Database;
  let clients: Map<string, PrismaLike>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stowage-schema-agreement-'));
    await seedPgliteDataDir(dir);
    db = await openDatabase({ dataDir: dir });
    clients = await migrateAll(db);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await disconnectAll(clients);
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describeAgreement({ db: () => db, clients: () => clients });
});

describeWithComponents(['postgres'], 'schema.prisma and migrations on PostgreSQL', () => {
  // Each service's schema name is fixed in its schema.prisma, so the run gets a database of its own.
  const database = uniqueName('schema_agreement');
  let server: Database;
  let db: Database;
  let clients: Map<string, PrismaLike>;

  beforeAll(async () => {
    server = await openDatabase({ url: POSTGRES_URL, maxConnections: 1 });
    await server.exec(`CREATE DATABASE "${database}"`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${database}`;
    db = await openDatabase({ url: url.toString() });
    clients = await migrateAll(db);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await disconnectAll(clients);
    await db?.close();
    await server?.exec(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await server?.close();
  });

  describeAgreement({ db: () => db, clients: () => clients });
});
