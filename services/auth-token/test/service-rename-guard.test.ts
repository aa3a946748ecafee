import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningService } from '@stowage/http';
import { openInfrastructure, type Infrastructure } from '@stowage/runtime';
import {
  listenInternalApi,
  tagImage,
  type InternalApiFixture,
} from '../../registry/test/support/internal-api-app';
import { loadAuthTokenConfig, type AuthTokenConfig } from '../src/config';
import { GROUP_PATH_REFUSAL } from '../src/domain/projects/rename-refusals';
import { startAuthToken } from '../src/service';
import { capturingLogger } from './api/support/api-helpers';
import { seedPgliteDataDir } from '../../../libs/db/test/support/pglite-template';

const ROOT_TOKEN = 'glpat-service-rename-guard-root-token';
const SECRET = 'internal-secret-for-the-service-test';
const EMPTY_URL_WARNING = expect.stringContaining('REGISTRY_URL is empty');

/**
 * startAuthToken as main.ts and the standalone launcher call it: REGISTRY_URL (or the launcher's
 * resolver) decides whether a group rename asks the registry first.
 */
describe('startAuthToken and REGISTRY_URL', () => {
  let registry: InternalApiFixture & { url: string };
  let dataDir: string;
  let infra: Infrastructure;
  let config: AuthTokenConfig;

  beforeAll(async () => {
    registry = await listenInternalApi({ internalApiSecret: SECRET });
    dataDir = mkdtempSync(join(tmpdir(), 'stowage-auth-token-service-'));
    // Not a first start under test: the standalone database opens on an initialised cluster.
    await seedPgliteDataDir(join(dataDir, 'pglite'));
    config = loadAuthTokenConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      INITIAL_ROOT_TOKEN: ROOT_TOKEN,
      INTERNAL_API_SECRET: SECRET,
      REGISTRY_URL: registry.url,
    });
    infra = await openInfrastructure(config, { service: 'auth-token', logger: capturingLogger().logger });
  });

  afterAll(async () => {
    await infra?.close();
    await registry?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts auth-token, creates `<group>/app` through its API, and tags an image there. */
  async function withTaggedGroup(
    start: (logger: ReturnType<typeof capturingLogger>['logger']) => Promise<RunningService>,
    run: (api: (path: string, init?: RequestInit) => Promise<Response>, groupId: number) => Promise<void>,
  ): Promise<ReturnType<typeof capturingLogger>['lines']> {
    const { logger, lines } = capturingLogger();
    const service = await start(logger);
    try {
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${service.http.url}/api/v4${path}`, {
          ...init,
          headers: { 'Private-Token': ROOT_TOKEN, 'Content-Type': 'application/json' },
        });
      const suffix = Math.random().toString(36).slice(2, 8);
      const group = (await (
        await api('/groups', {
          method: 'POST',
          body: JSON.stringify({ name: `g${suffix}`, path: `g${suffix}` }),
        })
      ).json()) as { id: number; full_path: string };
      const project = (await (
        await api('/projects', {
          method: 'POST',
          body: JSON.stringify({ name: 'app', namespace_id: group.id }),
        })
      ).json()) as { id: number; path_with_namespace: string };
      await tagImage(registry.prisma, project.id, project.path_with_namespace, 'latest');
      await run(api, group.id);
    } finally {
      await service.stop();
    }
    return lines;
  }

  const renameGroup = (api: (path: string, init?: RequestInit) => Promise<Response>, id: number) =>
    api(`/groups/${id}`, { method: 'PUT', body: JSON.stringify({ path: `moved-${id}` }) });

  it('when REGISTRY_URL is set, then a group holding tagged images cannot change path', async () => {
    const lines = await withTaggedGroup(
      (logger) => startAuthToken({ config, logger, infra, collectProcessMetrics: false }),
      async (api, groupId) => {
        const res = await renameGroup(api, groupId);
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ message: `400 Bad request - ${GROUP_PATH_REFUSAL.tagsPresent}` });
      },
    );

    expect(lines().map((line) => line.message)).not.toContainEqual(EMPTY_URL_WARNING);
  });

  it('when standalone passes a resolver, then it overrides REGISTRY_URL and is asked at each rename', async () => {
    let url: string | undefined;
    await withTaggedGroup(
      (logger) =>
        startAuthToken({
          config: { ...config, registryUrl: '' },
          registryUrl: () => url,
          logger,
          infra,
          collectProcessMetrics: false,
        }),
      async (api, groupId) => {
        const early = await renameGroup(api, groupId);
        expect(await early.json()).toEqual({
          message: `400 Bad request - ${GROUP_PATH_REFUSAL.registryUnavailable}`,
        });
        url = registry.url;
        const later = await renameGroup(api, groupId);
        expect(await later.json()).toEqual({
          message: `400 Bad request - ${GROUP_PATH_REFUSAL.tagsPresent}`,
        });
      },
    );
  });

  it('when REGISTRY_URL is empty, then start-up warns once and renames are not checked', async () => {
    const lines = await withTaggedGroup(
      (logger) =>
        startAuthToken({
          config: { ...config, registryUrl: '' },
          logger,
          infra,
          collectProcessMetrics: false,
        }),
      async (api, groupId) => {
        expect((await renameGroup(api, groupId)).status).toBe(200);
      },
    );

    const warnings = lines().filter(
      (line) => line.level === 'warn' && String(line.message).includes('REGISTRY_URL'),
    );
    expect(warnings.map((line) => line.message)).toEqual([EMPTY_URL_WARNING]);
  });
});
