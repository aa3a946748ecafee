import {
  basicAuth,
  createIdentityWorld,
  randomSecret,
  type Credential,
} from '../../e2e/support/identity-world';
import { freeLoopbackPort, makeTempDir, removeDir } from '../../e2e/support/processes';
import { restApi, type RestApi } from '../../e2e/support/rest-api';
import { START_TIMEOUT_MS, startStandalone, type StandaloneInstance } from '../../e2e/support/standalone';
import { registryClient, type RegistryClient } from './registry-client';

/**
 * One standalone instance (compiled dist/, so build first) and the identities a conformance test
 * acts as, all created through the REST API as root, as an administrator would:
 *
 * - `<name>/app`, a private project: `developer` is Developer (pull, push), `reporter` Reporter
 *   (pull), `deployToken` a read_registry deploy token (pull);
 * - `<name>/other`, a private project in the same group that only root reaches;
 * - root, an administrator whose `api` token gets every action and `registry:catalog:*`.
 */
export interface ConformanceWorld {
  readonly registry: RegistryClient;
  readonly api: RestApi;
  /** The EXTERNAL_URL the instance was given, which the Bearer challenge's realm names. */
  readonly externalUrl: string;
  readonly project: string;
  readonly otherProject: string;
  readonly root: Credential;
  readonly developer: Credential;
  readonly reporter: Credential;
  readonly deployToken: Credential;
  /** A repository below `project` (default `this.project`) that no other test in the file uses. */
  repository(label: string, project?: string): string;
  /** A registry token from `GET /jwt/auth` for `scopes` (e.g. `repository:a/b:pull,push`). */
  token(credential: Credential | undefined, ...scopes: string[]): Promise<string>;
  /** Root's token with pull, push and delete on each repository. */
  rootToken(...repositories: string[]): Promise<string>;
  /** A repository of its own for one test (see `repository`), and root's token on it. */
  freshRepository(label: string): Promise<{ repository: string; token: string }>;
  stop(): Promise<void>;
}

// Creating users, projects and tokens goes through bcrypt and the database on a busy machine.
export const WORLD_TIMEOUT_MS = START_TIMEOUT_MS + 60_000;

const REPORTER = 20;

/** `repository:<name>:<actions>` */
export const repositoryScope = (name: string, actions: string): string => `repository:${name}:${actions}`;

export const CATALOG_SCOPE = 'registry:catalog:*';

async function createReporter(api: RestApi, name: string, projectId: number): Promise<Credential> {
  const password = randomSecret();
  const user = await api.request<{ id: number; username: string }>('POST', '/users', 201, {
    username: `${name}-reporter`,
    email: `${name}-reporter@example.com`,
    name: `${name} reporter`,
    password,
    skip_confirmation: true,
  });
  await api.request('POST', `/projects/${projectId}/members`, 201, {
    user_id: user.id,
    access_level: REPORTER,
  });
  return { username: user.username, secret: password };
}

async function createOtherProject(api: RestApi, groupPath: string): Promise<string> {
  const group = await api.request<{ id: number }>('GET', `/groups/${encodeURIComponent(groupPath)}`, 200);
  const project = await api.request<{ path_with_namespace: string }>('POST', '/projects', 201, {
    name: 'other',
    path: 'other',
    namespace_id: group.id,
    visibility: 'private',
  });
  return project.path_with_namespace;
}

function credentialOf(credentials: Map<string, Credential>, kind: string): Credential {
  const credential = credentials.get(kind);
  if (!credential) throw new Error(`createIdentityWorld made no ${kind}`);
  return credential;
}

/** `name` names the group (a path segment), so each test file picks its own. */
export async function startConformanceWorld(name: string): Promise<ConformanceWorld> {
  const dataDir = await makeTempDir(`conformance-${name}`);
  const rootSecret = randomSecret();
  const port = await freeLoopbackPort();
  const externalUrl = `http://127.0.0.1:${port}`;
  let instance: StandaloneInstance | undefined;
  const stop = async () => {
    await instance?.process.stop();
    await removeDir(dataDir);
  };
  try {
    instance = await startStandalone(
      { DATA_DIR: dataDir, EXTERNAL_URL: externalUrl, INITIAL_ROOT_TOKEN: rootSecret },
      { port },
    );
    const started = instance;
    const api = restApi(started.base, rootSecret);
    const identity = await createIdentityWorld(api, name);
    const reporter = await createReporter(api, name, identity.projectId);
    const otherProject = await createOtherProject(api, identity.groupPath);
    const registry = registryClient(started.base, () => started.process.describe());
    const root: Credential = { username: 'root', secret: rootSecret };
    let repositories = 0;

    const token = async (credential: Credential | undefined, ...scopes: string[]) => {
      const query = new URLSearchParams({ service: 'container_registry' });
      for (const scope of scopes) query.append('scope', scope);
      const response = await fetch(`${started.base}/jwt/auth?${query}`, {
        headers: credential ? { authorization: basicAuth(credential.username, credential.secret) } : {},
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status !== 200) {
        throw new Error(
          `GET /jwt/auth?${query} as ${credential?.username} answered ${response.status}: ${text}`,
        );
      }
      return (JSON.parse(text) as { token: string }).token;
    };

    const repository = (label: string, project = identity.projectPath) => {
      repositories += 1;
      return `${project}/${label}-${repositories}`;
    };
    const rootToken = (...names: string[]) =>
      token(root, ...names.map((each) => repositoryScope(each, 'pull,push,delete')));

    return {
      registry,
      api,
      externalUrl,
      project: identity.projectPath,
      otherProject,
      root,
      developer: credentialOf(identity.credentials, 'password'),
      reporter,
      deployToken: credentialOf(identity.credentials, 'deploy token'),
      repository,
      token,
      rootToken,
      async freshRepository(label) {
        const name = repository(label);
        return { repository: name, token: await rootToken(name) };
      },
      stop,
    };
  } catch (error) {
    const output = instance?.process.describe();
    await stop();
    if (output && error instanceof Error) error.message += `\n\n${output}`;
    throw error;
  }
}
