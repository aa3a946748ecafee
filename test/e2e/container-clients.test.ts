import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createContainersCli,
  createDockerCli,
  describeWithComponents,
  type ContainersCli,
  type DockerCli,
} from '@stowage/testing';
import { failed, lastDigest, pushedDigest, succeeded } from './support/client-runs';
import { DISTRIBUTED_START_TIMEOUT_MS, DISTRIBUTED_STOP_TIMEOUT_MS } from './support/distributed-stack';
import { explainFailure } from './support/explain-failure';
import { createIdentityWorld, type Credential, type IdentityWorld } from './support/identity-world';
import { makeTempDir, removeDir } from './support/processes';
import {
  startDistributedRegistry,
  startStandaloneRegistry,
  type RegistryUnderTest,
} from './support/registry-under-test';
import { START_TIMEOUT_MS, STOP_TIMEOUT_MS } from './support/standalone';
import { cleanUpSteps } from './support/clean-up';

// The real clients against the registry through the gateway, in both modes: docker (login,
// build and push, pull by tag and by digest, cross-repository mount, a manifest list), podman,
// buildah and skopeo (copy --all of an index, inspect, list-tags, delete). Images are built FROM
// scratch with random content, so nothing is pulled from anywhere but the registry under test.
// The steps run in order and build on each other, as a user's session would. Runs dist/, so
// build first; needs a Docker engine, and podman, buildah and skopeo on PATH.

const STEP_TIMEOUT_MS = 180_000;
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

interface PushedImage {
  ref: string;
  digest: string;
  /** The config digest: the image id in docker and (without `sha256:`) in podman. */
  imageId: string;
}

function describeContainerClients(
  mode: string,
  start: (name: string) => Promise<RegistryUnderTest>,
  timeouts: { start: number; stop: number },
) {
  let target: RegistryUnderTest | undefined;
  let world: IdentityWorld | undefined;
  let docker: DockerCli | undefined;
  let containers: ContainersCli | undefined;
  let workDir: string | undefined;
  const builtImageIds = new Set<string>();
  // What earlier steps pushed, for the steps that build on them.
  const pushed = new Map<string, PushedImage>();
  let manifestList: { ref: string; digest: string } | undefined;

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is missing: an earlier step or the set-up failed`);
    return value;
  };
  const registry = () => required(target, `${mode} mode`);
  const dockerCli = () => required(docker, 'the docker CLI');
  const containersCli = () => required(containers, 'the podman/buildah/skopeo CLI');
  const projectPath = () => required(world, 'the identity world').projectPath;
  const developer = (): Credential =>
    required(world?.credentials.get('personal access token'), "the Developer's token");
  const creds = (credential: Credential) => `${credential.username}:${credential.secret}`;
  const rootCreds = () => `root:${registry().rootToken}`;
  /** `<registry>/<project path><suffix>`, an image name as the clients are given it. */
  const image = (suffix = '') => `${registry().host}/${projectPath()}${suffix}`;
  const earlier = (name: string) => required(pushed.get(name), `the image pushed as "${name}"`);
  const withServerOutput = <T>(body: () => Promise<T>) =>
    explainFailure(() => target?.describe() ?? `${mode} was not started`, body);

  /** A directory with a random file and a build file copying it into an image FROM scratch. */
  const buildContext = async (buildFile: 'Dockerfile' | 'Containerfile') => {
    const dir = await mkdtemp(path.join(required(workDir, 'the work directory'), 'context-'));
    await writeFile(path.join(dir, 'random.bin'), randomBytes(4096));
    await writeFile(path.join(dir, buildFile), 'FROM scratch\nCOPY random.bin /random.bin\n');
    return dir;
  };
  const dockerBuild = async (ref: string) => {
    const context = await buildContext('Dockerfile');
    const run = succeeded(
      await dockerCli().docker(['build', '-q', '-t', ref, context]),
      `docker build ${ref}`,
    );
    const imageId = lastDigest(run.stdout);
    builtImageIds.add(imageId);
    return imageId;
  };
  const dockerImageId = async (ref: string) =>
    succeeded(
      await dockerCli().docker(['image', 'inspect', '--format', '{{.Id}}', ref]),
      `docker image inspect ${ref}`,
    ).stdout.trim();
  const skopeo = async (args: string[]) =>
    succeeded(await containersCli().skopeo(args, { timeoutMs: 120_000 }), `skopeo ${args[0]} ${args.at(-1)}`);
  const rawManifest = async (ref: string) =>
    (
      await skopeo([
        'inspect',
        '--raw',
        '--tls-verify=false',
        '--creds',
        creds(developer()),
        `docker://${ref}`,
      ])
    ).stdout;

  beforeAll(async () => {
    target = await start(`e2e-clients-${mode}`);
    docker = await createDockerCli();
    containers = await createContainersCli();
    workDir = await makeTempDir(`e2e-clients-${mode}`);
    world = await withServerOutput(() => createIdentityWorld(registry().api, `clients-${mode}`));
  }, timeouts.start);

  afterAll(async () => {
    const { attempt, finish } = cleanUpSteps();
    // By id, with every tag this run gave them: the images exist only for this run.
    if (docker && builtImageIds.size > 0)
      await attempt(() => docker!.docker(['image', 'rm', '-f', ...builtImageIds]));
    await attempt(async () => docker?.cleanup());
    await attempt(async () => containers?.cleanup());
    await attempt(() => removeDir(workDir));
    await attempt(async () => target?.stop());
    finish('clean-up failed');
  }, timeouts.stop + 60_000);

  const step = (name: string, body: () => Promise<void>) =>
    it(name, () => withServerOutput(body), STEP_TIMEOUT_MS);

  step(
    "when docker logs in with the Developer's personal access token, then the login succeeds",
    async () => {
      const { username, secret } = developer();
      const run = await dockerCli().docker(['login', registry().host, '-u', username, '--password-stdin'], {
        input: secret,
      });

      expect(succeeded(run, 'docker login').stdout).toContain('Login Succeeded');
    },
  );

  step(
    'when docker builds an image FROM scratch and pushes it, then it uploads the layer and reports the manifest digest',
    async () => {
      const ref = `${image()}:v1`;
      const imageId = await dockerBuild(ref);

      const run = succeeded(await dockerCli().docker(['push', ref]), `docker push ${ref}`);

      expect(run.stdout).toContain('Pushed');
      pushed.set('v1', { ref, digest: pushedDigest(run), imageId });
    },
  );

  step(
    'when the image is removed locally and pulled by tag, then docker gets the same image back',
    async () => {
      const { ref, digest, imageId } = earlier('v1');
      succeeded(await dockerCli().docker(['image', 'rm', ref]), `docker image rm ${ref}`);
      failed(
        await dockerCli().docker(['image', 'inspect', ref]),
        `docker image inspect ${ref} after removing it`,
      );

      const run = succeeded(await dockerCli().docker(['pull', ref]), `docker pull ${ref}`);

      expect(run.stdout).toContain(`Digest: ${digest}`);
      expect(await dockerImageId(ref)).toBe(imageId);
    },
  );

  step(
    'when the image is removed locally and pulled by digest, then docker gets the same image back',
    async () => {
      const { digest, imageId } = earlier('v1');
      succeeded(await dockerCli().docker(['image', 'rm', '-f', imageId]), `docker image rm -f ${imageId}`);
      const byDigest = `${image()}@${digest}`;

      const run = succeeded(await dockerCli().docker(['pull', byDigest]), `docker pull ${byDigest}`);

      expect(run.stdout).toContain(`Digest: ${digest}`);
      expect(await dockerImageId(byDigest)).toBe(imageId);
    },
  );

  step(
    'when the same image is pushed to a second repository, then docker mounts its layer from the first instead of uploading it',
    async () => {
      const { digest, imageId } = earlier('v1');
      const mirror = `${image('/mirror')}:v1`;
      succeeded(await dockerCli().docker(['tag', imageId, mirror]), `docker tag ${mirror}`);

      const run = succeeded(await dockerCli().docker(['push', mirror]), `docker push ${mirror}`);

      expect(run.stdout).toContain(`Mounted from ${projectPath()}`);
      expect(run.stdout).not.toContain('Pushed');
      expect(pushedDigest(run)).toBe(digest);
    },
  );

  step(
    'when docker pushes a manifest list of two images annotated as two platforms, then skopeo reads back that list',
    async () => {
      const amd64 = earlier('v1');
      const arm64Ref = `${image()}:arm64`;
      const arm64ImageId = await dockerBuild(arm64Ref);
      const arm64Push = succeeded(await dockerCli().docker(['push', arm64Ref]), `docker push ${arm64Ref}`);
      const arm64 = { ref: arm64Ref, digest: pushedDigest(arm64Push), imageId: arm64ImageId };
      pushed.set('arm64', arm64);
      const list = `${image()}:multi`;
      // `docker manifest` talks to the registry itself, not through the engine: loopback is not
      // insecure-by-default there, hence --insecure.
      succeeded(
        await dockerCli().docker(['manifest', 'create', '--insecure', list, amd64.ref, arm64.ref, '--amend']),
        'docker manifest create',
      );
      succeeded(
        await dockerCli().docker([
          'manifest',
          'annotate',
          '--os',
          'linux',
          '--arch',
          'arm64',
          list,
          arm64.ref,
        ]),
        'docker manifest annotate',
      );

      const run = succeeded(
        await dockerCli().docker(['manifest', 'push', '--insecure', list]),
        'docker manifest push',
      );

      const digest = lastDigest(run.stdout);
      const raw = await rawManifest(list);
      expect(sha256(raw)).toBe(digest);
      const parsed = JSON.parse(raw) as { manifests: Array<{ platform: { architecture: string } }> };
      // docker writes the entries in an order of its own; the platforms are what matters.
      parsed.manifests.sort((a, b) => a.platform.architecture.localeCompare(b.platform.architecture));
      expect(parsed).toEqual({
        schemaVersion: 2,
        mediaType: DOCKER_LIST,
        manifests: [
          {
            mediaType: DOCKER_MANIFEST,
            digest: amd64.digest,
            size: expect.any(Number),
            platform: { architecture: 'amd64', os: 'linux' },
          },
          {
            mediaType: DOCKER_MANIFEST,
            digest: arm64.digest,
            size: expect.any(Number),
            platform: { architecture: 'arm64', os: 'linux' },
          },
        ],
      });
      manifestList = { ref: list, digest };
    },
  );

  step(
    'when podman logs in with an auth file and pulls the image docker pushed, then it gets the same image',
    async () => {
      const { username, secret } = developer();
      const { ref, imageId } = earlier('v1');
      const { authFile } = containersCli();
      const login = await containersCli().podman(
        [
          'login',
          '--tls-verify=false',
          '--authfile',
          authFile,
          '-u',
          username,
          '--password-stdin',
          registry().host,
        ],
        { input: secret },
      );
      expect(succeeded(login, 'podman login').stdout).toContain('Login Succeeded');

      succeeded(
        await containersCli().podman(['pull', '--tls-verify=false', '--authfile', authFile, ref], {
          timeoutMs: 120_000,
        }),
        `podman pull ${ref}`,
      );

      const inspected = succeeded(
        await containersCli().podman(['image', 'inspect', '--format', '{{.Id}}', ref]),
        `podman image inspect ${ref}`,
      );
      expect(`sha256:${inspected.stdout.trim()}`).toBe(imageId);
    },
  );

  step(
    'when podman builds an image, pushes it, removes it and pulls it again, then it gets the same image back',
    async () => {
      const podman = containersCli().podman;
      const { authFile } = containersCli();
      const ref = `${image('/podman')}:v1`;
      const context = await buildContext('Containerfile');
      const built = succeeded(await podman(['build', '-q', '-t', ref, context]), `podman build ${ref}`);
      const imageId = built.stdout.trim().split('\n').at(-1)!;

      succeeded(
        await podman(['push', '--tls-verify=false', '--authfile', authFile, ref], { timeoutMs: 120_000 }),
        `podman push ${ref}`,
      );
      succeeded(await podman(['rmi', ref]), `podman rmi ${ref}`);
      succeeded(
        await podman(['pull', '--tls-verify=false', '--authfile', authFile, ref], { timeoutMs: 120_000 }),
        `podman pull ${ref}`,
      );

      const inspected = succeeded(
        await podman(['image', 'inspect', '--format', '{{.Id}}', ref]),
        `podman image inspect ${ref}`,
      );
      expect(inspected.stdout.trim()).toBe(imageId);
    },
  );

  step(
    'when buildah commits an image FROM scratch and pushes it with --creds, then the registry serves the manifest buildah wrote',
    async () => {
      const buildah = containersCli().buildah;
      const ref = `${image('/buildah')}:v1`;
      const local = `localhost/stowage-e2e-buildah:${mode}`;
      const context = await buildContext('Containerfile');
      const container = succeeded(await buildah(['from', 'scratch']), 'buildah from scratch').stdout.trim();
      succeeded(
        await buildah(['copy', container, path.join(context, 'random.bin'), '/random.bin']),
        'buildah copy',
      );
      succeeded(await buildah(['commit', '-q', container, local]), 'buildah commit');
      succeeded(await buildah(['rm', container]), 'buildah rm');
      const digestFile = path.join(context, 'pushed-digest');

      succeeded(
        await buildah(
          [
            'push',
            '--tls-verify=false',
            '--creds',
            creds(developer()),
            '--digestfile',
            digestFile,
            local,
            `docker://${ref}`,
          ],
          { timeoutMs: 120_000 },
        ),
        `buildah push ${ref}`,
      );

      const digest = (await readFile(digestFile, 'utf8')).trim();
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(sha256(await rawManifest(ref))).toBe(digest);
    },
  );

  step(
    'when skopeo copies the manifest list with --all to another repository, then the copy is identical and inspect and list-tags show it',
    async () => {
      const list = required(manifestList, 'the manifest list docker pushed');
      const copy = `${image('/copy')}:multi`;
      const dev = creds(developer());

      await skopeo([
        'copy',
        '--all',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--src-creds',
        dev,
        '--dest-creds',
        dev,
        `docker://${list.ref}`,
        `docker://${copy}`,
      ]);

      expect(await rawManifest(copy)).toBe(await rawManifest(list.ref));
      const inspected = await skopeo(['inspect', '--tls-verify=false', '--creds', dev, `docker://${copy}`]);
      expect(JSON.parse(inspected.stdout)).toMatchObject({ Digest: list.digest, RepoTags: ['multi'] });
      const tags = await skopeo(['list-tags', '--tls-verify=false', '--creds', dev, `docker://${image()}`]);
      expect(JSON.parse(tags.stdout)).toEqual({ Repository: image(), Tags: ['arm64', 'multi', 'v1'] });
    },
  );

  step(
    'when skopeo deletes the copied list, then a Developer is refused, root succeeds and the manifest is gone while the original stays',
    async () => {
      const list = required(manifestList, 'the manifest list docker pushed');
      const copy = `docker://${image('/copy')}:multi`;
      const deleteAs = (credentials: string) =>
        containersCli().skopeo(['delete', '--tls-verify=false', '--creds', credentials, copy]);

      const refused = failed(await deleteAs(creds(developer())), 'skopeo delete as a Developer');
      expect(refused.stderr).toMatch(/unauthorized|denied/i);
      succeeded(await deleteAs(rootCreds()), 'skopeo delete as root');

      const gone = failed(
        await containersCli().skopeo([
          'inspect',
          '--raw',
          '--tls-verify=false',
          '--creds',
          rootCreds(),
          copy,
        ]),
        'skopeo inspect of the deleted manifest',
      );
      expect(gone.stderr).toContain('manifest unknown');
      expect(sha256(await rawManifest(list.ref))).toBe(list.digest);
    },
  );
}

describeWithComponents(['docker'], 'container clients against standalone mode', () =>
  describeContainerClients('standalone', startStandaloneRegistry, {
    start: START_TIMEOUT_MS,
    stop: STOP_TIMEOUT_MS,
  }),
);

describeWithComponents(['docker', 'postgres', 'rabbitmq'], 'container clients against distributed mode', () =>
  describeContainerClients('distributed', startDistributedRegistry, {
    start: DISTRIBUTED_START_TIMEOUT_MS,
    stop: DISTRIBUTED_STOP_TIMEOUT_MS,
  }),
);
