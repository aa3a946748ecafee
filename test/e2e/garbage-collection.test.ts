import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { S3BlobStore } from '@stowage/blob-store';
import { createPrismaClient, openDatabase, type Database } from '@stowage/db';
import { blobKey, PrismaClient } from '@stowage/registry-data';
import { createDockerCli, describeWithComponents, type DockerCli } from '@stowage/testing';
import {
  createRepository,
  daysAgo,
  outboxPayloads,
  pushImage,
  tagNames,
} from '../../libs/registry-data/test/support/registry-fixtures';
import { cleanUpSteps } from './support/clean-up';
import { failed, lastDigest, pushedDigest, succeeded } from './support/client-runs';
import {
  DISTRIBUTED_START_TIMEOUT_MS,
  DISTRIBUTED_STOP_TIMEOUT_MS,
  startDistributedStack,
  type DistributedStack,
} from './support/distributed-stack';
import { explainFailure } from './support/explain-failure';
import { bucketOf } from './support/s3-bucket';
import { createIdentityWorld, type IdentityWorld } from './support/identity-world';
import { makeTempDir, removeDir, waitUntil, type NodeProcess } from './support/processes';
import { registryToken, v2Client, downloadedBlob, type V2Client } from './support/registry-http';
import { restApi, type RestApi } from './support/rest-api';

// Online garbage collection and cleanup policies in distributed mode, one OS process per service
// against real PostgreSQL, RabbitMQ and an S3 server, with the cleanup-worker run as three
// processes. GC's review delay is two seconds here (24 hours in production), so what a deleted
// tag leaves behind goes within seconds. Runs dist/, so build first; needs a Docker engine.

const STEP_TIMEOUT_MS = 120_000;
/** Review delay 2 s, idle wake-up 1 s: a manifest then its blobs go within ~5 s; be generous. */
const GC_TIMEOUT_MS = 45_000;
const RUN_TIMEOUT_MS = 60_000;
const WORKERS = 3;
/** Tags seeded for the policy run (besides `latest`), backdated 20 to 10 days. */
const SEEDED_TAGS = 5000;
/** Tags one transaction of a job deletes (registry-data's DEFAULT_TAG_BATCH_SIZE, the worker's). */
const TAG_BATCH = 100;
/** The lowered max list size: each job is five batches, 10 jobs for the run. */
const MAX_LIST_SIZE = 5 * TAG_BATCH;
/** How long a cleanup-worker keeps the limits it asked auth-token for (cleanup-limits-client.ts), plus a margin. */
const LIMITS_CACHE_MS = 11_000;
const KEEP_N = 10;

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

interface ImageManifest {
  config: { digest: string };
  layers: { digest: string }[];
}

describeWithComponents(['docker', 'postgres', 'rabbitmq'], 'online garbage collection (distributed)', () => {
  let stack: DistributedStack | undefined;
  let db: Database | undefined;
  let prisma: PrismaClient | undefined;
  let bucket: S3BlobStore | undefined;
  let docker: DockerCli | undefined;
  let workDir: string | undefined;
  let api: RestApi;
  /** When the lowered max list size was saved; the workers see it one cache period later. */
  let limitsSavedAt = 0;
  const builtImageIds = new Set<string>();

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is missing: the set-up failed`);
    return value;
  };
  const running = () => required(stack, 'the distributed stack');
  const registryDb = () => required(prisma, 'the test database client');
  const dockerCli = () => required(docker, 'the docker CLI');
  const step = (name: string, body: () => Promise<void>) =>
    it(
      name,
      () => explainFailure(() => stack?.describe() ?? 'the stack was not started', body),
      STEP_TIMEOUT_MS,
    );

  /** Whether the S3 server holds the blob's object. */
  const stored = async (digest: string) =>
    (await required(bucket, 'the bucket').stat(blobKey(digest))) !== null;
  const blobRow = async (digest: string) =>
    (await registryDb().blob.findUnique({ where: { digest } })) !== null;

  beforeAll(async () => {
    stack = await startDistributedStack('e2e-gc', {
      cleanupWorkers: WORKERS,
      extraEnv: {
        REGISTRY_GC_REVIEW_DELAY: '2s',
        REGISTRY_GC_IDLE_INTERVAL: '1s',
        // Runs here are queued by the API; the scheduler only looks for due ones now and then.
        CLEANUP_POLICY_SCHEDULE_SECONDS: '5',
      },
    });
    api = restApi(stack.base, stack.rootToken);
    // Saved first, so the workers' cached limits have expired by the time the policy runs.
    await api.request('PUT', '/application/settings', 200, {
      container_registry_cleanup_tags_service_max_list_size: MAX_LIST_SIZE,
    });
    limitsSavedAt = Date.now();
    db = await openDatabase({ url: stack.databaseUrl, maxConnections: 3 });
    prisma = createPrismaClient(PrismaClient, db);
    const { s3 } = stack;
    bucket = bucketOf(s3);
    docker = await createDockerCli();
    workDir = await makeTempDir('e2e-gc');
  }, DISTRIBUTED_START_TIMEOUT_MS);

  afterAll(async () => {
    const { attempt, finish } = cleanUpSteps();
    if (docker && builtImageIds.size > 0)
      await attempt(() => docker!.docker(['image', 'rm', '-f', ...builtImageIds]));
    await attempt(async () => docker?.cleanup());
    await attempt(() => removeDir(workDir));
    await attempt(async () => bucket?.close());
    await attempt(async () => prisma?.$disconnect());
    await attempt(async () => db?.close());
    await attempt(async () => stack?.stop());
    finish('clean-up failed');
  }, DISTRIBUTED_STOP_TIMEOUT_MS + 60_000);

  describe('when one of two images sharing a layer loses its tag', () => {
    let world: IdentityWorld;
    let v2: V2Client;
    const images = new Map<
      'a' | 'b',
      { ref: string; digest: string; imageId: string; manifest: ImageManifest }
    >();
    const image = (name: 'a' | 'b') => required(images.get(name), `image ${name}`);
    const repositoryPath = () => world.projectPath;

    step('then docker builds and pushes both, and they share exactly their first layer', async () => {
      world = await createIdentityWorld(api, 'gc');
      const host = new URL(running().base).host;
      const developer = required(world.credentials.get('personal access token'), "the Developer's token");
      succeeded(
        await dockerCli().docker(['login', host, '-u', developer.username, '--password-stdin'], {
          input: developer.secret,
        }),
        'docker login',
      );
      // One context, one shared file: the second build reuses the first's COPY layer.
      const context = await mkdtemp(path.join(required(workDir, 'the work directory'), 'context-'));
      await writeFile(path.join(context, 'shared.bin'), randomBytes(8192));
      v2 = v2Client(
        running().base,
        await registryToken(
          running().base,
          'root',
          running().rootToken,
          `repository:${repositoryPath()}:pull`,
        ),
      );
      for (const name of ['a', 'b'] as const) {
        await writeFile(path.join(context, `${name}.bin`), randomBytes(4096));
        await writeFile(
          path.join(context, `Dockerfile.${name}`),
          `FROM scratch\nCOPY shared.bin /shared.bin\nCOPY ${name}.bin /${name}.bin\n`,
        );
        const ref = `${host}/${repositoryPath()}:${name}`;
        const build = succeeded(
          await dockerCli().docker([
            'build',
            '-q',
            '-f',
            path.join(context, `Dockerfile.${name}`),
            '-t',
            ref,
            context,
          ]),
          `docker build ${ref}`,
        );
        const imageId = lastDigest(build.stdout);
        builtImageIds.add(imageId);
        const push = succeeded(
          await dockerCli().docker(['push', ref], { timeoutMs: 120_000 }),
          `docker push ${ref}`,
        );
        const digest = pushedDigest(push);
        const answer = await v2.send('GET', `/v2/${repositoryPath()}/manifests/${digest}`, {
          headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' },
        });
        expect(answer.status).toBe(200);
        images.set(name, { ref, digest, imageId, manifest: JSON.parse(answer.body) as ImageManifest });
      }

      const layersOf = (name: 'a' | 'b') => image(name).manifest.layers.map((layer) => layer.digest);
      expect(layersOf('a')).toHaveLength(2);
      expect(layersOf('b')).toHaveLength(2);
      expect(layersOf('a')[0]).toBe(layersOf('b')[0]);
      expect(layersOf('a')[1]).not.toBe(layersOf('b')[1]);
      expect(image('a').manifest.config.digest).not.toBe(image('b').manifest.config.digest);
      for (const digest of [...layersOf('a'), ...layersOf('b')]) expect(await stored(digest)).toBe(true);
    });

    step(
      "then GC removes A's manifest and own blobs from PostgreSQL and S3, keeps the shared layer and B, and docker pulls B completely",
      async () => {
        const a = image('a');
        const b = image('b');
        const shared = a.manifest.layers[0]!.digest;
        const aOwn = [a.manifest.config.digest, a.manifest.layers[1]!.digest];
        const bBlobs = [b.manifest.config.digest, ...b.manifest.layers.map((layer) => layer.digest)];
        const [repository] = await api.request<{ id: number; path: string }[]>(
          'GET',
          `/projects/${world.projectId}/registry/repositories`,
          200,
        );
        expect(repository?.path).toBe(repositoryPath());

        await api.request(
          'DELETE',
          `/projects/${world.projectId}/registry/repositories/${repository!.id}/tags/a`,
          200,
        );

        await waitUntil(
          async () => {
            const manifestLeft = await registryDb().manifest.count({ where: { digest: a.digest } });
            const rowsLeft = await registryDb().blob.count({ where: { digest: { in: aOwn } } });
            const objectsLeft = (await Promise.all(aOwn.map(stored))).filter(Boolean).length;
            return manifestLeft + rowsLeft + objectsLeft === 0 ? true : undefined;
          },
          {
            timeoutMs: GC_TIMEOUT_MS,
            intervalMs: 500,
            description: "GC to remove A's manifest and own blobs",
          },
        );

        // Nothing left to do for GC on what B needs: its blobs stay, rows and objects alike.
        expect(await registryDb().manifest.count({ where: { digest: b.digest } })).toBe(1);
        for (const digest of [shared, ...bBlobs]) {
          expect({ digest, row: await blobRow(digest), object: await stored(digest) }).toEqual({
            digest,
            row: true,
            object: true,
          });
        }
        const gone = await v2.send('GET', `/v2/${repositoryPath()}/manifests/${a.digest}`);
        expect(gone.status).toBe(404);
        for (const digest of bBlobs) {
          expect((await downloadedBlob(v2, repositoryPath(), digest)).digest).toBe(digest);
        }

        // No local copy of either image: docker must fetch both of B's layers from the registry.
        for (const { imageId } of [a, b]) {
          succeeded(
            await dockerCli().docker(['image', 'rm', '-f', imageId]),
            `docker image rm -f ${imageId}`,
          );
        }
        failed(await dockerCli().docker(['image', 'inspect', b.ref]), `docker image inspect ${b.ref}`);
        const pull = succeeded(
          await dockerCli().docker(['pull', b.ref], { timeoutMs: 120_000 }),
          `docker pull ${b.ref}`,
        );
        expect(pull.stdout).toContain(`Digest: ${b.digest}`);
        expect(pull.stdout.match(/Pull complete/g)).toHaveLength(2);
        const pulledId = succeeded(
          await dockerCli().docker(['image', 'inspect', '--format', '{{.Id}}', b.ref]),
          `docker image inspect ${b.ref}`,
        ).stdout.trim();
        expect(pulledId).toBe(b.imageId);
      },
    );
  });

  describe('when a cleanup policy run spans many jobs on three worker processes and one is killed mid-job', () => {
    step(
      'then exactly latest and the 10 newest tags remain, each deleted tag has one event, and several processes ran jobs',
      async () => {
        const workers = running().cleanupWorkers();
        expect(workers).toHaveLength(WORKERS);
        const group = await api.request<{ id: number; full_path: string }>('POST', '/groups', 201, {
          name: 'gc-policy',
          path: 'gc-policy',
        });
        const project = await api.request<{ id: number; path_with_namespace: string }>(
          'POST',
          '/projects',
          201,
          {
            name: 'app',
            path: 'app',
            namespace_id: group.id,
          },
        );
        // Seeded as the registry stores a push (one image, many tags), backdated 20 to 10 days.
        const repository = await createRepository(
          registryDb(),
          `${project.path_with_namespace}/web`,
          project.id,
        );
        const { manifest } = await pushImage(registryDb(), repository, 'latest', { createdAt: daysAgo(30) });
        const names = Array.from({ length: SEEDED_TAGS }, (_, i) => `v${String(i).padStart(5, '0')}`);
        await registryDb().tag.createMany({
          data: names.map((name, i) => ({
            repositoryId: repository.id,
            name,
            manifestId: manifest.id,
            createdAt: daysAgo(20 - (i * 10) / SEEDED_TAGS),
            updatedAt: daysAgo(20 - (i * 10) / SEEDED_TAGS),
          })),
        });
        await api.request('PUT', `/projects/${project.id}`, 200, {
          container_expiration_policy_attributes: {
            enabled: true,
            cadence: '1d',
            name_regex_delete: '.*',
            keep_n: KEEP_N,
            older_than: '7d',
          },
        });
        const jobsOf = (worker: NodeProcess) =>
          worker
            .logs()
            .filter((line) => line.message === 'cleanup policy run' && line.projectId === project.id);

        await sleep(limitsSavedAt + LIMITS_CACHE_MS - Date.now());
        await api.request('POST', `/projects/${project.id}/registry/cleanup_policy/run`, 202);

        // The victim: a worker caught inside a tag-deleting transaction of a job that has
        // already committed one or two of its batches (the tags deleted so far are not a whole
        // number of jobs), after at least one job of the run has finished.
        const tagsLeft = () => registryDb().tag.count({ where: { repositoryId: repository.id } });
        const victim = await waitUntil(
          async () => {
            if (!workers.some((worker) => jobsOf(worker).length > 0)) return undefined;
            const inTransaction = () =>
              workerInTagTransaction(
                required(db, 'the test database client'),
                new URL(running().databaseUrl).port || '5432',
                workers.filter((worker) => !worker.hasExited()),
              );
            const busy = await inTransaction();
            if (!busy) return undefined;
            // Read after: a job that has committed part of its batches is under way, and only
            // one job of a run is (the next is queued at its end), so it is the busy worker's.
            const deletedSoFar = SEEDED_TAGS + 1 - (await tagsLeft());
            // Not in the run's last jobs, so the victim's job leaves work for the others.
            const partlyDone = deletedSoFar % MAX_LIST_SIZE !== 0;
            return partlyDone && deletedSoFar < SEEDED_TAGS - 2 * MAX_LIST_SIZE ? busy : undefined;
          },
          {
            timeoutMs: RUN_TIMEOUT_MS,
            intervalMs: 5,
            description: 'a worker process in the middle of a job',
          },
        );
        const jobsBeforeKill = jobsOf(victim).length;
        victim.signal('SIGKILL');
        expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });
        // It was caught before the run's end: tags were still to delete when it died.
        const leftAtKill = await tagsLeft();
        expect(leftAtKill).toBeGreaterThan(KEEP_N + 1);

        await waitUntil(
          async () => {
            const left = await registryDb().tag.count({ where: { repositoryId: repository.id } });
            const policy = await registryDb().containerExpirationPolicy.findUnique({
              where: { projectId: project.id },
            });
            return left === KEEP_N + 1 && policy?.runQueuedAt === null ? true : undefined;
          },
          {
            timeoutMs: RUN_TIMEOUT_MS,
            intervalMs: 250,
            description: 'the surviving workers to finish the run',
          },
        );

        expect(await tagNames(registryDb(), repository.id)).toEqual(['latest', ...names.slice(-KEEP_N)]);
        const deleted = (await outboxPayloads(registryDb(), 'container.tag.deleted'))
          .filter((event) => event.repository === repository.path)
          .map((event) => event.tag as string)
          .sort();
        // Every deleted tag exactly once: none lost with the killed job, none deleted twice.
        expect(deleted).toEqual(names.slice(0, -KEEP_N));

        // The processes shared the run: at least two of them ran jobs of it.
        const ranJobs = workers.map((worker) => jobsOf(worker).length);
        expect(ranJobs.filter((count) => count > 0).length).toBeGreaterThanOrEqual(2);
        // The killed job never logged: the victim logged no more than it had when it was killed,
        // and the tags its committed batches deleted are in no job's count (its redelivery
        // counted only what it deleted itself).
        expect(jobsOf(victim)).toHaveLength(jobsBeforeKill);
        const loggedDeleted = workers
          .flatMap((worker) => jobsOf(worker))
          .reduce((sum, line) => sum + (line.deleted as number), 0);
        const deletedByKilledJob = SEEDED_TAGS - KEEP_N - loggedDeleted;
        expect(deletedByKilledJob % TAG_BATCH).toBe(0);
        expect(deletedByKilledJob).toBeGreaterThan(0);
        expect(deletedByKilledJob).toBeLessThanOrEqual(MAX_LIST_SIZE);
        // The run ended with one finished job, on a survivor.
        const finishedJobs = workers.flatMap((worker) =>
          jobsOf(worker).filter((line) => line.finished === true),
        );
        expect(finishedJobs).toHaveLength(1);
        expect(jobsOf(victim).some((line) => line.finished === true)).toBe(false);
        // The lowered list size held every job to it, and no job ran twice: after the killed
        // one, exactly the jobs needed for what it left.
        const deletedPerJob = workers.flatMap((worker) =>
          jobsOf(worker).map((line) => line.deleted as number),
        );
        expect(Math.max(...deletedPerJob)).toBe(MAX_LIST_SIZE);
        expect(deletedPerJob).toHaveLength(Math.ceil(loggedDeleted / MAX_LIST_SIZE));
      },
    );
  });
});

/**
 * The worker process (of `workers`) whose database connection is in a policy run's transaction,
 * found from pg_stat_activity's client port and the owner of that socket (`ss -p`). A run's
 * statements are the evaluation's Prisma reads of `"registry"."tags"` and each batch's
 * `DELETE FROM registry.tags ... RETURNING`, manifest read, review queueing and outbox INSERT; GC
 * names the tags table only as `FROM registry.tags t` and writes no outbox events.
 */
async function workerInTagTransaction(
  db: Database,
  serverPort: string,
  workers: readonly NodeProcess[],
): Promise<NodeProcess | undefined> {
  const { rows } = await db.query<{ client_port: number }>(
    `SELECT client_port FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
        AND state IN ('active', 'idle in transaction')
        AND (query LIKE '%"registry"."tags"%' OR query LIKE '%DELETE FROM registry.tags%'
          OR query LIKE '%outbox_events%')`,
  );
  if (rows.length === 0) return undefined;
  const { stdout } = await run('ss', ['-tnpH', `( dport = :${serverPort} )`]);
  const sockets = stdout.split('\n').map((line) => ({ fields: line.split(/\s+/), line }));
  for (const { client_port: port } of rows) {
    // The client end of that very connection: its local port, and PostgreSQL's at the other end
    // (the same local port may be in use towards another server, e.g. RabbitMQ).
    const line = sockets.find(
      ({ fields }) => fields[3]?.endsWith(`:${port}`) && fields[4]?.endsWith(`:${serverPort}`),
    )?.line;
    const pid = Number(/pid=(\d+)/.exec(line ?? '')?.[1]);
    const worker = workers.find((candidate) => candidate.pid === pid);
    if (worker) return worker;
  }
  return undefined;
}
