import type { Express } from 'express';
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import { createMetrics, createServiceApp } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import {
  openPglitePackageDb,
  type PackageDbFixture,
} from '../../../../../libs/package-registry-data/test/support/package-db';
import { RecordingJobQueue } from '../../../../registry/test/api/support/rest-api-world';
import { packageGitlabErrorFormat } from '../../../src/core/error-formats';
import type { PackageContext } from '../../../src/core/package-context';
import { packagesApi } from '../../../src/http/api';
import { FakeIdentity, ROLE } from './fake-identity';

export const EXTERNAL_URL = 'http://gitlab.example.test';
export const WORLD_TIMEOUT_MS = 120_000;

/**
 * The Packages API on PGlite, blobs in a folder, a recording job queue and a table-driven
 * identity. Who the tests act as:
 * - private group `team` with private subgroup `team/sub`; private projects `team/app`,
 *   `team/sub/tool` and `team/secret`; public group `open` with public project `open/site`;
 * - owner (Owner of team), maintainer (Maintainer of team), developer, reporter and guest of
 *   `team/app` only, outsider (no role), admin (instance administrator).
 */
export interface PackagesApiWorld {
  app: Express;
  db: PackageDbFixture;
  blobs: ManagedBlobStore;
  jobs: RecordingJobQueue;
  identity: FakeIdentity;
  ids: {
    team: number;
    sub: number;
    open: number;
    app: number;
    tool: number;
    secret: number;
    site: number;
  };
  tokens: Record<'owner' | 'maintainer' | 'developer' | 'reporter' | 'guest' | 'outsider' | 'admin', string>;
  close(): Promise<void>;
}

export async function openPackagesApiWorld(): Promise<PackagesApiWorld> {
  const db = await openPglitePackageDb();
  const dir = mkdtempSync(join(tmpdir(), 'stowage-packages-api-'));
  const blobs = createBlobStore({ directory: dir });
  await blobs.initialize();
  const jobs = new RecordingJobQueue();
  const identity = new FakeIdentity();
  const ids = { team: 1, sub: 2, open: 3, app: 11, tool: 12, secret: 13, site: 14 };
  identity.groups.push(
    { id: ids.team, fullPath: 'team', visibility: 'private' },
    { id: ids.sub, fullPath: 'team/sub', visibility: 'private' },
    { id: ids.open, fullPath: 'open', visibility: 'public' },
  );
  identity.projects.push(
    { id: ids.app, fullPath: 'team/app', visibility: 'private' },
    { id: ids.tool, fullPath: 'team/sub/tool', visibility: 'private' },
    { id: ids.secret, fullPath: 'team/secret', visibility: 'private' },
    { id: ids.site, fullPath: 'open/site', visibility: 'public' },
  );
  const tokens = {
    owner: 'glpat-owner',
    maintainer: 'glpat-maintainer',
    developer: 'glpat-developer',
    reporter: 'glpat-reporter',
    guest: 'glpat-guest',
    outsider: 'glpat-outsider',
    admin: 'glpat-admin',
  };
  identity.users.push(
    { id: 101, username: 'owner', token: tokens.owner, roles: { team: ROLE.owner } },
    { id: 102, username: 'maintainer', token: tokens.maintainer, roles: { team: ROLE.maintainer } },
    { id: 103, username: 'developer', token: tokens.developer, roles: { 'team/app': ROLE.developer } },
    { id: 104, username: 'reporter', token: tokens.reporter, roles: { 'team/app': ROLE.reporter } },
    { id: 105, username: 'guest', token: tokens.guest, roles: { 'team/app': ROLE.guest } },
    { id: 106, username: 'outsider', token: tokens.outsider, roles: {} },
    { id: 107, username: 'admin', token: tokens.admin, admin: true, roles: {} },
  );
  const logger = createSilentLogger();
  const ctx: PackageContext = {
    prisma: db.prisma,
    blobs,
    jobs,
    identity,
    externalUrl: EXTERNAL_URL,
    limits: { maxFileBytes: 1024 * 1024, maxMetadataBytes: 64 * 1024 },
    logger,
  };
  const app = createServiceApp({
    logger,
    metrics: createMetrics({ service: 'package-registry' }),
    health: { checks: {} },
    errorFormat: packageGitlabErrorFormat,
    routes: (router) => {
      const api = express.Router();
      packagesApi(api, ctx);
      router.use('/api/v4', api);
    },
  });
  return {
    app,
    db,
    blobs,
    jobs,
    identity,
    ids,
    tokens,
    async close() {
      await jobs.close();
      await blobs.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
