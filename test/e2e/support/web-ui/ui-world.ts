import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createContainersCli, createDockerCli, type ContainersCli, type DockerCli } from '@stowage/testing';
import { lastDigest, succeeded } from '../client-runs';
import { UpstreamImageBuilder } from '../dependency-proxy/upstream-images';
import type { RestApi } from '../rest-api';

/**
 * What the web UI's browser tests look at: a public group `team` with a public project `app` and a
 * private one `secret`, images pushed with the real docker CLI (and a two-platform index with
 * skopeo), all as root.
 */
export interface UiWorld {
  groupId: number;
  appId: number;
  secretId: number;
  docker: DockerCli;
  containers: ContainersCli;
  /** Builds an image FROM scratch with random content and pushes it as `<host>/<repository>:<tag>`. */
  pushImage(repository: string, tag: string): Promise<void>;
  /** Pushes a two-platform image index as `<host>/<repository>:<tag>` with skopeo. */
  pushIndex(repository: string, tag: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createUiWorld(
  api: RestApi,
  host: string,
  rootToken: string,
  workDir: string,
): Promise<UiWorld> {
  const group = await api.request<{ id: number }>('POST', '/groups', 201, {
    name: 'team',
    path: 'team',
    visibility: 'public',
  });
  const app = await api.request<{ id: number }>('POST', '/projects', 201, {
    name: 'app',
    path: 'app',
    namespace_id: group.id,
    visibility: 'public',
  });
  const secret = await api.request<{ id: number }>('POST', '/projects', 201, {
    name: 'secret',
    path: 'secret',
    namespace_id: group.id,
    visibility: 'private',
  });
  const docker = await createDockerCli();
  const containers = await createContainersCli();
  succeeded(
    await docker.docker(['login', host, '-u', 'root', '--password-stdin'], { input: rootToken }),
    'docker login',
  );
  const builtImages = new Set<string>();
  const images = new UpstreamImageBuilder(containers.skopeo, workDir);
  return {
    groupId: group.id,
    appId: app.id,
    secretId: secret.id,
    docker,
    containers,
    async pushImage(repository, tag) {
      const context = await mkdtemp(path.join(workDir, 'context-'));
      await writeFile(path.join(context, 'random.bin'), randomBytes(64 * 1024));
      await writeFile(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY random.bin /random.bin\n');
      const ref = `${host}/${repository}:${tag}`;
      const built = succeeded(
        await docker.docker(['build', '-q', '-t', ref, context]),
        `docker build ${ref}`,
      );
      builtImages.add(lastDigest(built.stdout));
      succeeded(await docker.docker(['push', ref]), `docker push ${ref}`);
    },
    async pushIndex(repository, tag) {
      await images.multiArch({ host, credentials: `root:${rootToken}` }, repository, tag);
    },
    async cleanup() {
      if (builtImages.size > 0) await docker.docker(['image', 'rm', '-f', ...builtImages]);
      await docker.cleanup();
      await containers.cleanup();
    },
  };
}
