import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { InProcessJobQueue, type EnqueueOptions, type Job, type JobQueue } from '@stowage/bus';
import { createMetrics, createServiceApp, gitlabErrorFormat } from '@stowage/http';
import { createIdentityClient } from '@stowage/identity-client';
import { createSilentLogger } from '@stowage/logging';
import { openIdentityApp, type IdentityApp } from '../../../../auth-token/test/support/identity-app';
import {
  openRegistryDb,
  type RegistryDbFixture,
} from '../../../../../libs/registry-data/test/support/registry-db';
import { registryRestApi } from '../../../src/http/api';

export const REGISTRY_HOST = 'registry.example.test:5050';
export const EXTERNAL_URL = 'http://gitlab.example.test';

/** Two PGlite databases start, migrate and get fixtures: slow on a busy 2-core machine. */
export const WORLD_TIMEOUT_MS = 180_000;

/** The job queue, recording what the API queued and refusing on demand (a broker outage). */
export class RecordingJobQueue implements JobQueue {
  readonly enqueued: { queue: string; payload: unknown }[] = [];
  failing = false;
  private readonly inner = new InProcessJobQueue();

  async enqueue(queue: string, payload: unknown, options?: EnqueueOptions): Promise<string> {
    if (this.failing) throw new Error('the broker refused the job');
    const id = await this.inner.enqueue(queue, payload, options);
    this.enqueued.push({ queue, payload });
    return id;
  }

  jobsOn(queue: string): unknown[] {
    return this.enqueued.filter((job) => job.queue === queue).map((job) => job.payload);
  }

  consume(...args: Parameters<JobQueue['consume']>): ReturnType<JobQueue['consume']> {
    return this.inner.consume(...args);
  }

  deadLetters(queue: string): Promise<Job[]> {
    return this.inner.deadLetters(queue);
  }

  checkHealth(): Promise<void> {
    return this.inner.checkHealth();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface RestApiWorld {
  /** The registry's REST API, as the gateway reaches it (`/api/v4/...`). */
  app: Express;
  registry: RegistryDbFixture;
  /** auth-token's routes on their own database, answering the registry's authorize calls. */
  identity: IdentityApp;
  jobs: RecordingJobQueue;
  close(): Promise<void>;
}

/**
 * The registry's REST API wired to a real auth-token (its routes over HTTP on a loopback port,
 * asked through the identity client, uncached so each test sees its own fixtures), a registry
 * database on PGlite and an in-process job queue.
 */
export async function openRestApiWorld(): Promise<RestApiWorld> {
  const identity = await openIdentityApp();
  const registry = await openRegistryDb();
  const server = http.createServer(identity.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const jobs = new RecordingJobQueue();
  const logger = createSilentLogger();
  const api = registryRestApi({
    prisma: registry.prisma,
    jobs,
    identity: createIdentityClient({ authTokenUrl: `http://127.0.0.1:${port}`, cacheTtlMs: 0 }),
    registryHost: REGISTRY_HOST,
    externalUrl: EXTERNAL_URL,
  });
  const app = createServiceApp({
    logger,
    metrics: createMetrics({ service: 'registry' }),
    health: { checks: {} },
    errorFormat: gitlabErrorFormat,
    routes: (router) => router.use('/api/v4', api),
  });
  return {
    app,
    registry,
    identity,
    jobs,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.close();
      await registry.close();
      await identity.close();
    },
  };
}
