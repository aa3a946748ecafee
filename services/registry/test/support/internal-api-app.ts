import { createMetrics, createServiceApp, gitlabErrorFormat, startHttpServer } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import type { PrismaClient, Repository } from '@stowage/registry-data';
import { openRegistryDb } from '../../../../libs/registry-data/test/support/registry-db';
import { createRepository, pushImage } from '../../../../libs/registry-data/test/support/registry-fixtures';
import { registryInternalApi } from '../../src/http/internal';

/** The registry's data on a throwaway PGlite, and an app serving its internal API. */
export type InternalApiFixture = Awaited<ReturnType<typeof openRegistryDb>> & {
  app: ReturnType<typeof createServiceApp>;
};

/** As the registry mounts it (startRegistry), with GitLab's error format. */
export async function openInternalApi(
  options: { internalApiSecret?: string } = {},
): Promise<InternalApiFixture> {
  const data = await openRegistryDb();
  const app = createServiceApp({
    logger: createSilentLogger(),
    metrics: createMetrics({ service: 'registry' }),
    health: { checks: {} },
    errorFormat: gitlabErrorFormat,
    routes: (router) =>
      router.use(
        '/internal/v1',
        registryInternalApi({ prisma: data.prisma, internalApiSecret: options.internalApiSecret ?? '' }),
      ),
  });
  return { ...data, app };
}

/** The same, listening on a loopback port, for clients in other services' tests. */
export async function listenInternalApi(
  options: { internalApiSecret?: string } = {},
): Promise<InternalApiFixture & { url: string }> {
  const fixture = await openInternalApi(options);
  const server = await startHttpServer(fixture.app, { host: '127.0.0.1', port: 0 });
  return {
    ...fixture,
    url: server.url,
    async close() {
      await server.close(1000);
      await fixture.close();
    },
  };
}

/** As a push leaves it: an image tagged `tag` in project `projectId`'s repository at `path`. */
export async function tagImage(
  prisma: PrismaClient,
  projectId: number,
  path: string,
  tag: string,
): Promise<Repository> {
  const repository = await createRepository(prisma, path, projectId);
  await pushImage(prisma, repository, tag);
  return repository;
}
