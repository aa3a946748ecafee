import {
  createContainersCli,
  createDockerCli,
  startDockerRegistry,
  type CommandRun,
  type ContainersCli,
  type DockerCli,
  type DockerRegistry,
} from '@stowage/testing';
import { cleanUpSteps } from '../clean-up';
import { succeeded } from '../client-runs';
import { explainFailure } from '../explain-failure';
import { createIdentityWorld, type Credential } from '../identity-world';
import { makeTempDir, removeDir } from '../processes';
import { startStandaloneRegistry, type RegistryUnderTest } from '../registry-under-test';
import { putProxySettings } from './proxy-api';
import { createProxyIdentities, type ProxyIdentities } from './proxy-identities';
import type { ProxyStack } from './proxy-stack';
import {
  LARGE_LAYER_BYTES,
  UpstreamImageBuilder,
  type UpstreamImage,
  type UpstreamIndex,
} from './upstream-images';

/**
 * One stack under test and its upstreams, shared by every scenario of a test file (starting them
 * is most of a file's time): the proxy's settings name, in order, Debian's docker-registry
 * ("local", no auth), a second standalone Stowage ("remote", token auth with a user's password)
 * and a second docker-registry that owns the prefix "second".
 */
export interface ProxyWorld {
  stack: ProxyStack;
  local: DockerRegistry;
  prefixed: DockerRegistry;
  remote: RegistryUnderTest;
  ids: ProxyIdentities;
  images: {
    /** On "local": the image most scenarios pull. */
    app: UpstreamImage;
    /** On "local", never pulled before the outage. */
    uncached: UpstreamImage;
    /** On "local": a 200 MB layer. */
    big: UpstreamImage;
    /** On "local": an index of the local platform and another. */
    multi: UpstreamIndex;
    /** On "local", pulled by the access scenarios. */
    access: UpstreamImage;
    /** On "local", left unread for the TTL policy. */
    ttl: UpstreamImage;
    /** On "local" as `second/prefixed`: what the prefix must NOT reach. */
    decoy: UpstreamImage;
    /** On the prefixed upstream as `prefixed`, pulled as `second/prefixed`. */
    prefixed: UpstreamImage;
    /** Only on the remote Stowage, under its project. */
    remoteOnly: UpstreamImage;
  };
}

export const PREFIX = 'second';

export interface ProxyFixture {
  world(): ProxyWorld;
  docker(): DockerCli;
  containers(): ContainersCli;
  workDir(): string;
  /** `<gateway host>/<group>/dependency_proxy/containers/<image>`, as docker is given it. */
  imageRef(groupPath: string, image: string): string;
  /** `docker login` to the gateway unless docker already holds these credentials. */
  dockerLogin(credential: Credential): Promise<void>;
  /** `docker <args>`, which must succeed. */
  docker$(args: string[], timeoutMs?: number): Promise<CommandRun>;
  /** Registers a test whose failure shows the recent output of every server involved. */
  step(name: string, body: () => Promise<void>, timeoutMs?: number): void;
}

const DEFAULT_STEP_TIMEOUT_MS = 120_000;

export function proxyFixture(
  mode: string,
  start: (name: string) => Promise<ProxyStack>,
  timeouts: { start: number; stop: number },
): ProxyFixture {
  let world: ProxyWorld | undefined;
  const parts: Partial<ProxyWorld> = {};
  let docker: DockerCli | undefined;
  let containers: ContainersCli | undefined;
  let workDir: string | undefined;
  let loggedInAs: string | undefined;
  const pulledRefs = new Set<string>();

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is missing: the set-up failed`);
    return value;
  };
  const describeAll = () =>
    [
      parts.stack?.describe() ?? `${mode} was not started`,
      parts.remote ? `--- the remote Stowage ---\n${parts.remote.describe().slice(-5000)}` : '',
    ].join('\n');

  beforeAll(async () => {
    docker = await createDockerCli();
    containers = await createContainersCli();
    workDir = await makeTempDir(`e2e-proxy-${mode}`);
    // The three starts overlap: the stack and the remote Stowage take most of the time.
    const [stack, remote, local, prefixed] = await Promise.all([
      start(`e2e-proxy-${mode}`).then((one) => (parts.stack = one)),
      startStandaloneRegistry(`e2e-proxy-remote-${mode}`).then((one) => (parts.remote = one)),
      startDockerRegistry().then((one) => (parts.local = one)),
      startDockerRegistry().then((one) => (parts.prefixed = one)),
    ]);
    await explainFailure(describeAll, async () => {
      const remoteWorld = await createIdentityWorld(remote.api, `proxy-remote-${mode}`);
      const remoteUser = required(remoteWorld.credentials.get('password'), "the remote user's password");
      const remotePat = required(remoteWorld.credentials.get('personal access token'), 'the remote PAT');
      const builder = new UpstreamImageBuilder(containers!.skopeo, workDir!);
      const onLocal = { host: local.host };
      const images: ProxyWorld['images'] = {
        app: await builder.single(onLocal, 'app', 'v1'),
        uncached: await builder.single(onLocal, 'app', 'uncached'),
        big: await builder.single(onLocal, 'big', '1', { layerBytes: LARGE_LAYER_BYTES }),
        multi: await builder.multiArch(onLocal, 'multi', '1'),
        access: await builder.single(onLocal, 'access', '1'),
        ttl: await builder.single(onLocal, 'ttl', '1'),
        decoy: await builder.single(onLocal, `${PREFIX}/prefixed`, '1'),
        prefixed: await builder.single({ host: prefixed.host }, 'prefixed', '1', {
          image: `${PREFIX}/prefixed`,
        }),
        remoteOnly: await builder.single(
          { host: remote.host, credentials: `${remotePat.username}:${remotePat.secret}` },
          `${remoteWorld.projectPath}/only-on-remote`,
          '1',
        ),
      };
      const ids = await createProxyIdentities(stack.api, `proxy-${mode}`);
      const upstreams = [
        {
          name: 'local',
          url: local.url,
          username: null,
          password: null,
          prefix: null,
          library_prefix: false,
        },
        {
          name: 'remote',
          url: remote.base,
          username: remoteUser.username,
          password: remoteUser.secret,
          prefix: null,
          library_prefix: false,
        },
        { name: PREFIX, url: prefixed.url, prefix: PREFIX, library_prefix: false },
      ];
      for (const group of [ids.privateGroup, ids.publicGroup])
        await putProxySettings(stack.api, group.id, { enabled: true, upstreams });
      world = { stack, remote, local, prefixed, ids, images };
    });
  }, timeouts.start + 120_000);

  afterAll(async () => {
    const { attempt, finish } = cleanUpSteps();
    if (docker && pulledRefs.size > 0)
      await attempt(() => docker!.docker(['image', 'rm', '-f', ...pulledRefs]));
    await attempt(async () => docker?.cleanup());
    await attempt(async () => containers?.cleanup());
    await attempt(() => removeDir(workDir));
    await attempt(async () => parts.local?.stop());
    await attempt(async () => parts.prefixed?.stop());
    await attempt(async () => parts.remote?.stop());
    await attempt(async () => parts.stack?.stop());
    finish('clean-up failed');
  }, timeouts.stop + 60_000);

  const fixture: ProxyFixture = {
    world: () => required(world, 'the proxy world'),
    docker: () => required(docker, 'the docker CLI'),
    containers: () => required(containers, 'the skopeo CLI'),
    workDir: () => required(workDir, 'the work directory'),
    imageRef: (groupPath, image) =>
      `${fixture.world().stack.host}/${groupPath}/dependency_proxy/containers/${image}`,
    async dockerLogin(credential) {
      if (loggedInAs === credential.username) return;
      const run = await fixture
        .docker()
        .docker(['login', fixture.world().stack.host, '-u', credential.username, '--password-stdin'], {
          input: credential.secret,
        });
      succeeded(run, `docker login as ${credential.username}`);
      loggedInAs = credential.username;
    },
    async docker$(args, timeoutMs = 120_000) {
      if (args[0] === 'pull' && args[1]) pulledRefs.add(args[1]);
      return succeeded(await fixture.docker().docker(args, { timeoutMs }), `docker ${args.join(' ')}`);
    },
    step(name, body, timeoutMs = DEFAULT_STEP_TIMEOUT_MS) {
      it(name, () => explainFailure(describeAll, body), timeoutMs);
    },
  };
  return fixture;
}
