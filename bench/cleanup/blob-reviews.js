#!/usr/bin/env node
// Online GC throughput: 100,000 unreferenced blobs (each with a repository link older than the review
// delay and a 1-byte object in a filesystem store) and their due reviews are seeded with set-based
// SQL; then BENCH_WORKERS loops (the cleanup-worker's GC steps, as every replica runs them) review
// them in batches of BENCH_BATCH, and the same loops delete the collected objects from storage.
// Reports reviews/s and storage deletions/s on PostgreSQL (BENCH_DATABASE_URL, default the test
// server; a database is created and dropped) and on PGlite (standalone mode). Run after
// `pnpm run build`.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { createPrismaClient, migrate, openDatabase } = require('../../libs/db/dist');
const {
  PrismaClient,
  REGISTRY_MIGRATIONS_DIR,
  REGISTRY_SCHEMA,
  blobKey,
  deleteCollectedObjects,
  reviewDueBlobs,
  setGcReviewDelay,
} = require('../../libs/registry-data/dist');
const { createBlobStore } = require('../../libs/blob-store/dist');

const BLOBS = Number(process.env.BENCH_BLOBS ?? 100_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const TARGETS = (process.env.BENCH_TARGETS ?? 'postgres,pglite').split(',');

async function seed(db, blobs) {
  await db.exec(`
    INSERT INTO registry.repositories (project_id, path) VALUES (1, 'bench/gc/app');
    INSERT INTO registry.blobs (digest, size)
      SELECT 'sha256:' || encode(sha256(i::text::bytea), 'hex'), 1 FROM generate_series(1, ${BLOBS}) i;
    INSERT INTO registry.repository_blobs (repository_id, digest, created_at)
      SELECT r.id, b.digest, now() - interval '2 days' FROM registry.blobs b, registry.repositories r;
    INSERT INTO registry.gc_blob_review_queue (digest, review_after, event)
      SELECT digest, now() - interval '1 second', 'manifest_delete' FROM registry.blobs;`);
  const { rows } = await db.query('SELECT digest FROM registry.blobs');
  const one = Buffer.from('x');
  // Objects are written in parallel batches; the filesystem store writes each atomically.
  for (let i = 0; i < rows.length; i += 200) {
    await Promise.all(rows.slice(i, i + 200).map((row) => blobs.put(blobKey(row.digest), one)));
  }
}

/** Runs `step` in WORKERS concurrent loops until a pass of every loop finds nothing; returns seconds. */
async function drain(step) {
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      for (;;) if ((await step()) === 0) return;
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function run(label, db, dir) {
  await migrate(db, { schema: REGISTRY_SCHEMA, migrationsDir: REGISTRY_MIGRATIONS_DIR });
  const prisma = createPrismaClient(PrismaClient, db);
  const blobs = createBlobStore({ directory: dir });
  await blobs.initialize();
  try {
    await setGcReviewDelay(prisma, 24 * 3600_000);
    const seedStart = Date.now();
    await seed(db, blobs);
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const reviewSeconds = await drain(async () => {
      const outcome = await reviewDueBlobs(prisma, { batchSize: BATCH });
      return outcome.reviewed + outcome.postponed;
    });
    const deleteSeconds = await drain(async () => {
      const outcome = await deleteCollectedObjects(prisma, blobs, { batchSize: BATCH });
      return outcome.deleted + outcome.cancelled + outcome.failed;
    });
    const left = Number((await db.query('SELECT count(*) AS n FROM registry.blobs')).rows[0].n);
    const pending = Number(
      (await db.query('SELECT count(*) AS n FROM registry.gc_storage_deletions')).rows[0].n,
    );
    let objects = 0;
    for await (const _ of blobs.list('registry/blobs/')) objects++;
    return {
      target: label,
      blobs: BLOBS,
      workers: WORKERS,
      batch: BATCH,
      seedSeconds: +seedSeconds.toFixed(1),
      reviewsPerSecond: Math.round(BLOBS / reviewSeconds),
      storageDeletionsPerSecond: Math.round(BLOBS / deleteSeconds),
      leftRows: left,
      leftDeletions: pending,
      leftObjects: objects,
    };
  } finally {
    await prisma.$disconnect();
    await blobs.close();
  }
}

async function onPostgres(work) {
  const name = `bench_gc_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await openDatabase({ url: SERVER_URL, maxConnections: 1 });
  await admin.exec(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), maxConnections: WORKERS + 2 });
  try {
    return await run('PostgreSQL', db, path.join(work, 'pg-blobs'));
  } finally {
    await db.close();
    await admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.close();
  }
}

async function onPglite(work) {
  const db = await openDatabase({ dataDir: path.join(work, 'pglite') });
  try {
    return await run('PGlite', db, path.join(work, 'pglite-blobs'));
  } finally {
    await db.close();
  }
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stowage-bench-gc-'));
  const results = [];
  try {
    if (TARGETS.includes('postgres')) results.push(await onPostgres(work));
    if (TARGETS.includes('pglite')) results.push(await onPglite(work));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.table(results);
  const incomplete = results.filter((r) => r.leftRows + r.leftDeletions + r.leftObjects > 0);
  if (incomplete.length > 0) {
    console.error('some blobs were not collected:', incomplete.map((r) => r.target).join(', '));
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
