import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSilentLogger, type Logger } from '@stowage/logging';
import { deleteTag } from '@stowage/registry-data';
import {
  listenInternalApi,
  tagImage,
  type InternalApiFixture,
} from '../../registry/test/support/internal-api-app';
import { registryTagsClient } from '../src/adapters/registry-tags-client';
import { registryRenameGuards, type RegistryTags } from '../src/domain/projects/registry-rename-guard';
import type { ProjectMove, RenameGuards } from '../src/domain/projects/rename-guard';
import {
  GROUP_PATH_REFUSAL,
  PROJECT_RENAME_REFUSAL,
  PROJECT_TRANSFER_REFUSAL,
  USERNAME_REFUSAL,
} from '../src/domain/projects/rename-refusals';
import { capturingLogger } from './api/support/api-helpers';

const SECRET = 'internal-secret-shared-by-the-services';

const rename = (projectId: number): ProjectMove => ({
  projectId,
  fullPath: `team/p${projectId}`,
  newFullPath: `team/p${projectId}-renamed`,
});
const transfer = (projectId: number): ProjectMove => ({
  projectId,
  fullPath: `team/p${projectId}`,
  newFullPath: `elsewhere/p${projectId}`,
});

const guardsFor = (
  registryUrl: () => string | undefined,
  options: { secret?: string; timeoutMs?: number; logger?: Logger } = {},
) =>
  registryRenameGuards(
    registryTagsClient({
      registryUrl,
      internalSecret: options.secret ?? SECRET,
      timeoutMs: options.timeoutMs,
    }),
    options.logger ?? createSilentLogger(),
  );

/** What the guard logged when it refused for want of an answer. */
const loggedFailures = (lines: () => Record<string, unknown>[]) =>
  lines()
    .filter((line) => line.level === 'warn')
    .map((line) => `${line.error} (${line.cause ?? 'no cause'})`);

/** A loopback HTTP server answering every request with `handler`, for the registry's failure modes. */
async function stubRegistry(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('registryRenameGuards against the registry internal API', () => {
  let registry: InternalApiFixture & { url: string };
  let guards: RenameGuards;

  beforeAll(async () => {
    registry = await listenInternalApi({ internalApiSecret: SECRET });
    await tagImage(registry.prisma, 1, 'team/p1', 'latest');
    const untagged = await tagImage(registry.prisma, 2, 'team/p2', 'replaced');
    await deleteTag(registry.prisma, untagged, 'replaced');
    guards = guardsFor(() => registry.url);
  });

  afterAll(() => registry.close());

  it('when a project with tags would be renamed or transferred, then each is refused in GitLab words', async () => {
    await expect(guards.projects.refusalFor([rename(1)])).resolves.toBe(PROJECT_RENAME_REFUSAL.tagsPresent);
    await expect(guards.projects.refusalFor([transfer(1)])).resolves.toBe(
      PROJECT_TRANSFER_REFUSAL.tagsPresent,
    );
  });

  it('when a group or user rename would move a project with tags among others, then it is refused', async () => {
    const moves = [transfer(2), transfer(3), transfer(1)];

    await expect(guards.groups.refusalFor(moves)).resolves.toBe(GROUP_PATH_REFUSAL.tagsPresent);
    await expect(guards.users.refusalFor(moves)).resolves.toBe(USERNAME_REFUSAL.tagsPresent);
  });

  it('when no moving project has tags (an untagged image, none at all, nothing moving), then the move is allowed', async () => {
    await expect(guards.projects.refusalFor([rename(2)])).resolves.toBeNull();
    await expect(guards.groups.refusalFor([transfer(2), transfer(3)])).resolves.toBeNull();
    await expect(guards.users.refusalFor([])).resolves.toBeNull();
  });

  it('when more projects move than one call may carry, then they are asked in several calls and a tag in the last is found', async () => {
    await tagImage(registry.prisma, 2400, 'big/p2400', 'v1');
    const moves = Array.from({ length: 2500 }, (_, i) => transfer(i + 100));

    await expect(guards.groups.refusalFor(moves)).resolves.toBe(GROUP_PATH_REFUSAL.tagsPresent);
    await expect(guards.groups.refusalFor(moves.slice(0, 2000))).resolves.toBeNull();
  });

  it('when auth-token holds another INTERNAL_API_SECRET, then the registry refuses it and the move is refused', async () => {
    const { logger, lines } = capturingLogger();
    const mismatched = guardsFor(() => registry.url, { secret: 'not-the-shared-secret', logger });

    await expect(mismatched.projects.refusalFor([rename(2)])).resolves.toBe(
      PROJECT_RENAME_REFUSAL.registryUnavailable,
    );
    expect(loggedFailures(lines)).toEqual([
      'the registry answered the tags-present call with 403 (no cause)',
    ]);
  });

  it('when the registry URL is not known yet (standalone start-up), then moves are refused until it is', async () => {
    let url: string | undefined = undefined;
    const { logger, lines } = capturingLogger();
    const late = guardsFor(() => url, { logger });

    await expect(late.groups.refusalFor([transfer(2)])).resolves.toBe(GROUP_PATH_REFUSAL.registryUnavailable);
    expect(loggedFailures(lines)).toEqual(['the registry has not started yet (no cause)']);
    url = `${registry.url}/`;
    await expect(late.groups.refusalFor([transfer(2)])).resolves.toBeNull();
  });
});

describe('registryRenameGuards when the registry fails', () => {
  const stubs: { close(): Promise<void> }[] = [];
  afterAll(() => Promise.all(stubs.map((stub) => stub.close())));

  /** The URL resolver of a registry that fails with `handler`. */
  const failingWith = async (handler: http.RequestListener) => {
    const stub = await stubRegistry(handler);
    stubs.push(stub);
    return () => stub.url;
  };

  it.each<[string, http.RequestListener, string]>([
    [
      'answers 500',
      (_req, res) => {
        res.statusCode = 500;
        res.end('{"message":"500 Internal Server Error"}');
      },
      'the registry answered the tags-present call with 500 (no cause)',
    ],
    [
      'answers outside the contract',
      (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end('{"project_ids_with_tags":"1"}');
      },
      'the registry answered the tags-present call outside the contract (no cause)',
    ],
    [
      'answers something that is not JSON',
      (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end('<html>proxy error</html>');
      },
      expect.stringMatching(/^the registry did not answer the tags-present call \(.*JSON/),
    ],
  ])(
    'when the registry %s, then every kind of move is refused as unavailable',
    async (_name, handler, logged) => {
      const { logger, lines } = capturingLogger();
      const guards = guardsFor(await failingWith(handler), { logger });

      await expect(guards.projects.refusalFor([rename(1)])).resolves.toBe(
        PROJECT_RENAME_REFUSAL.registryUnavailable,
      );
      await expect(guards.projects.refusalFor([transfer(1)])).resolves.toBe(
        PROJECT_TRANSFER_REFUSAL.registryUnavailable,
      );
      await expect(guards.groups.refusalFor([transfer(1)])).resolves.toBe(
        GROUP_PATH_REFUSAL.registryUnavailable,
      );
      await expect(guards.users.refusalFor([transfer(1)])).resolves.toBe(
        USERNAME_REFUSAL.registryUnavailable,
      );
      expect(loggedFailures(lines)).toEqual([logged, logged, logged, logged]);
    },
  );

  it('when the registry does not answer in time, then the move is refused at the deadline', async () => {
    const { logger, lines } = capturingLogger();
    const guards = guardsFor(await failingWith(() => undefined), { timeoutMs: 300, logger });

    const started = Date.now();
    await expect(guards.projects.refusalFor([rename(1)])).resolves.toBe(
      PROJECT_RENAME_REFUSAL.registryUnavailable,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(loggedFailures(lines)).toEqual([
      expect.stringMatching(/^the registry did not answer the tags-present call \(.*timeout/i),
    ]);
  });

  it('when nothing listens at the registry URL, then the move is refused and the operator sees why', async () => {
    const gone = await stubRegistry(() => undefined);
    await gone.close();
    const { logger, lines } = capturingLogger();

    await expect(guardsFor(() => gone.url, { logger }).groups.refusalFor([transfer(1)])).resolves.toBe(
      GROUP_PATH_REFUSAL.registryUnavailable,
    );
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'refused a path change: the registry could not say whether the projects have tags',
        projectIds: [1],
        error: 'the registry did not answer the tags-present call',
        cause: 'fetch failed',
      }),
    ]);
  });

  it('when the registry tags port rejects for any reason, then the guard refuses rather than throws', async () => {
    const failing: RegistryTags = {
      projectsWithTags: async () => {
        throw new TypeError('something unexpected');
      },
    };

    await expect(
      registryRenameGuards(failing, createSilentLogger()).users.refusalFor([rename(7)]),
    ).resolves.toBe(USERNAME_REFUSAL.registryUnavailable);
  });
});
