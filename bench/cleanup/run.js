#!/usr/bin/env node
// Evaluates a cleanup policy on one repository of 100,000 tags and deletes all but the newest
// ten, as the cleanup-worker's `cleanup.policy.run` handler does (runCleanupPolicy from the
// compiled libs/registry-data, so `pnpm run build` first): on PGlite (standalone mode) and on
// the machine's PostgreSQL (distributed mode; skipped when it cannot be reached). Reports
// figures; exits 1 only when the tags left are not exactly the expected ones.
'use strict';
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const { createPrismaClient, migrate, openDatabase } = require('../../libs/db/dist');
const data = require('../../libs/registry-data/dist');

const TAGS = Number(process.env.BENCH_TAGS ?? 100_000);
const KEEP_N = 10;
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? data.DEFAULT_TAG_BATCH_SIZE);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TARGETS = (process.env.BENCH_TARGETS ?? 'pglite,postgres').split(',');

const seconds = (ms) => Math.round(ms / 100) / 10;

/** One repository with TAGS tags on one manifest, each a second older than the next, all 100+ days old. */
async function seed(prisma, projectId) {
  const repository = await data.ensureRepository(prisma, `bench/p${projectId}/app`, projectId);
  const config = `sha256:${'c'.repeat(64)}`;
  await data.linkBlob(prisma, repository.id, config, 100);
  const manifest = await data.saveManifest(
    prisma,
    repository,
    {
      digest: `sha256:${'a'.repeat(64)}`,
      mediaType: data.MEDIA_TYPES.ociManifest,
      payload: Buffer.from('{}'),
      artifactType: null,
      subjectDigest: null,
      configDigest: config,
      annotations: null,
      blobs: [{ digest: config, size: 100, mediaType: 'application/vnd.oci.image.config.v1+json' }],
      childDigests: [],
    },
    'latest',
  );
  const start = Date.now() - 100 * 86_400_000 - TAGS * 1000;
  for (let offset = 0; offset < TAGS; offset += 5000) {
    const count = Math.min(5000, TAGS - offset);
    await prisma.tag.createMany({
      data: Array.from({ length: count }, (_, i) => {
        const at = new Date(start + (offset + i) * 1000);
        const name = `t${String(offset + i).padStart(6, '0')}`;
        return { repositoryId: repository.id, name, manifestId: manifest.id, createdAt: at, updatedAt: at };
      }),
    });
  }
  const policy = {
    ...data.DEFAULT_CLEANUP_POLICY,
    enabled: true,
    nameRegexDelete: '.*',
    keepN: KEEP_N,
    olderThan: '7d',
  };
  await data.saveCleanupPolicy(prisma, projectId, policy, new Date());
  return { repository, policy };
}

async function measure(name, db) {
  await migrate(db, { schema: data.REGISTRY_SCHEMA, migrationsDir: data.REGISTRY_MIGRATIONS_DIR });
  const prisma = createPrismaClient(data.PrismaClient, db);
  try {
    const projectId = 1;
    const seedStart = Date.now();
    const { repository, policy } = await seed(prisma, projectId);
    const seedMs = Date.now() - seedStart;

    const evaluateStart = Date.now();
    const [cleanup] = await data.evaluateCleanupPolicy(prisma, projectId, policy, new Date());
    const evaluateMs = Date.now() - evaluateStart;

    const runStart = Date.now();
    const outcome = await data.runCleanupPolicy(prisma, projectId, new Date(), {
      maxListSize: TAGS,
      timeoutMs: 3_600_000,
      batchSize: BATCH_SIZE,
    });
    const runMs = Date.now() - runStart;

    const left = await prisma.tag.findMany({
      where: { repositoryId: repository.id },
      orderBy: { name: 'asc' },
    });
    const expected = [
      'latest',
      ...Array.from({ length: KEEP_N }, (_, i) => `t${String(TAGS - KEEP_N + i).padStart(6, '0')}`),
    ];
    const exact = JSON.stringify(left.map((tag) => tag.name)) === JSON.stringify(expected);
    return {
      database: name,
      tags: TAGS,
      selected: cleanup.tags.length,
      deleted: outcome.deleted,
      finished: outcome.finished,
      exact,
      seedSeconds: seconds(seedMs),
      evaluateSeconds: seconds(evaluateMs),
      runSeconds: seconds(runMs),
      tagsPerSecond: Math.round(outcome.deleted / (runMs / 1000)),
    };
  } finally {
    await prisma.$disconnect();
  }
}

async function onPglite() {
  const dir = mkdtempSync(path.join(tmpdir(), 'stowage-bench-cleanup-'));
  const db = await openDatabase({ dataDir: dir });
  try {
    return await measure('PGlite (standalone)', db);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres() {
  const name = `bench_cleanup_${process.pid}`;
  const admin = await openDatabase({ url: POSTGRES_URL, maxConnections: 1 });
  const raw = createPrismaClient(data.PrismaClient, admin);
  try {
    await raw.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
  } catch (error) {
    console.error(`PostgreSQL skipped: ${error.message}`);
    await raw.$disconnect();
    await admin.close();
    return null;
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), maxConnections: 4 });
  try {
    return await measure('PostgreSQL 15 (distributed)', db);
  } finally {
    await db.close();
    await raw.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await raw.$disconnect();
    await admin.close();
  }
}

async function main() {
  const results = [];
  if (TARGETS.includes('pglite')) results.push(await onPglite());
  if (TARGETS.includes('postgres')) {
    const result = await onPostgres();
    if (result) results.push(result);
  }
  console.log(`\nbatch size ${BATCH_SIZE}, keep_n ${KEEP_N}, one run (max list size ${TAGS})\n`);
  console.log(
    '| database | tags | deleted | evaluate (s) | evaluate + delete (s) | tags/s | survivors exact |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.database} | ${r.tags} | ${r.deleted} | ${r.evaluateSeconds} | ${r.runSeconds} | ${r.tagsPerSecond} | ${r.exact ? 'yes' : 'NO'} |`,
    );
  }
  if (results.some((r) => !r.exact || !r.finished)) process.exit(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
