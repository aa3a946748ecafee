import { randomBytes } from 'node:crypto';
import { createDockerCli, describeWithComponents, type DockerCli, type DockerRun } from '@stowage/testing';
import { explainFailure } from './support/explain-failure';
import { freeLoopbackPort, makeTempDir, removeDir } from './support/processes';
import {
  createIdentityWorld,
  randomSecret,
  type Credential,
  type CredentialKind,
} from './support/identity-world';
import { restApi, type RestApi } from './support/rest-api';
import {
  START_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  startStandalone,
  type StandaloneInstance,
} from './support/standalone';

// `docker login` with the real docker client and engine against standalone mode (compiled dist/,
// so build first): the engine meets the registry's Bearer challenge, fetches a token from
// /jwt/auth with the credentials, and proves it on /v2/. Everything it logs in with is created
// through the gateway's REST API as root, as an administrator would.

const SETUP_TIMEOUT_MS = 60_000;
const LOGIN_TIMEOUT_MS = 120_000;

describeWithComponents(['docker'], 'docker login against standalone mode', () => {
  const rootToken = randomSecret();
  let dataDir: string | undefined;
  let instance: StandaloneInstance | undefined;
  let docker: DockerCli | undefined;
  let api: RestApi;
  /** `127.0.0.1:<port>`, as a user names the registry to docker. */
  let registry: string;
  let username: string;
  const credentials = new Map<CredentialKind, Credential>();

  const credential = (kind: CredentialKind): Credential => {
    const found = credentials.get(kind);
    if (!found) throw new Error(`no ${kind} to log in with: the set-up in beforeAll failed`);
    return found;
  };
  const login = (user: string, secret: string): Promise<DockerRun> => {
    if (!docker) throw new Error('the docker CLI was not set up (see beforeAll)');
    return docker.docker(['login', registry, '-u', user, '--password-stdin'], { input: secret });
  };
  const expectLoginSucceeded = (run: DockerRun) =>
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('Login Succeeded') });
  const expectLoginUnauthorized = (run: DockerRun) => {
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toContain('unauthorized');
  };
  const withServerOutput = <T>(body: () => Promise<T>) =>
    explainFailure(() => instance?.process.describe() ?? 'standalone was not started', body);

  beforeAll(async () => {
    dataDir = await makeTempDir('e2e-docker-login');
    docker = await createDockerCli();
    const port = await freeLoopbackPort();
    registry = `127.0.0.1:${port}`;
    instance = await startStandalone(
      // The token realm in the challenge is then the very address docker was given.
      { DATA_DIR: dataDir, EXTERNAL_URL: `http://${registry}`, INITIAL_ROOT_TOKEN: rootToken },
      { port },
    );
    api = restApi(instance.base, rootToken);
  }, START_TIMEOUT_MS);

  beforeAll(
    () =>
      withServerOutput(async () => {
        const world = await createIdentityWorld(api, 'docker-login');
        username = world.username;
        for (const [kind, credential] of world.credentials) credentials.set(kind, credential);
      }),
    SETUP_TIMEOUT_MS,
  );

  afterAll(async () => {
    await instance?.process.stop();
    await docker?.cleanup();
    await removeDir(dataDir);
  }, STOP_TIMEOUT_MS);

  it.each<CredentialKind>(['personal access token', 'deploy token', 'job token', 'password'])(
    'when docker logs in with a %s, then the login succeeds',
    (kind) =>
      withServerOutput(async () => {
        const { username: user, secret } = credential(kind);

        expectLoginSucceeded(await login(user, secret));
      }),
    LOGIN_TIMEOUT_MS,
  );

  it(
    'when docker logs in with a token nobody was given, then the login fails as unauthorized',
    () =>
      withServerOutput(async () => {
        expectLoginUnauthorized(await login(username, `glpat-${randomBytes(32).toString('base64url')}`));
      }),
    LOGIN_TIMEOUT_MS,
  );

  it.each<CredentialKind>(['personal access token', 'deploy token', 'job token'])(
    'when the %s is revoked, then docker login with it fails as unauthorized',
    (kind) =>
      withServerOutput(async () => {
        const { username: user, secret, revokePath } = credential(kind);
        if (!revokePath) throw new Error(`a ${kind} cannot be revoked`);
        expectLoginSucceeded(await login(user, secret));

        await api.request('DELETE', revokePath, 204);

        expectLoginUnauthorized(await login(user, secret));
      }),
    LOGIN_TIMEOUT_MS,
  );
});
