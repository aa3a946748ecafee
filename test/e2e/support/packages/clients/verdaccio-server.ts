import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePorts } from '../../free-ports';
import { makeTempDir, removeDir, startNodeScript, waitUntil, type NodeProcess } from '../../processes';

/**
 * Verdaccio (a real npm registry, from the root devDependencies) on loopback with its own storage
 * and no uplinks, so nothing reaches beyond the machine. The npm toolkit is proved against it
 * while the package registry's npm endpoints are built, and the packages benchmark compares
 * against it.
 */
export interface Verdaccio {
  /** `http://127.0.0.1:<port>/`, with the trailing slash npm's config expects. */
  readonly url: string;
  readonly process: NodeProcess;
  /** Creates a user (npm's `adduser` request) and returns its token for `_authToken`. */
  addUser(name: string, password: string): Promise<string>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function startVerdaccio(): Promise<Verdaccio> {
  const dir = await makeTempDir('verdaccio');
  const [port] = await freePorts(1);
  const configFile = path.join(dir, 'config.yaml');
  // Publishing and reading need a signed-in user, like a private project on the registry.
  const signedIn = { access: '$authenticated', publish: '$authenticated', unpublish: '$authenticated' };
  await writeFile(
    configFile,
    stringify({
      storage: path.join(dir, 'storage'),
      auth: { htpasswd: { file: path.join(dir, 'htpasswd'), max_users: 100 } },
      uplinks: {},
      packages: { '@*/*': signedIn, '**': signedIn },
      web: { enable: false },
      log: { type: 'stdout', format: 'json', level: 'warn' },
    }),
  );
  const script = path.join(path.dirname(require.resolve('verdaccio/package.json')), 'bin', 'verdaccio');
  const url = `http://127.0.0.1:${port}/`;
  const server = startNodeScript(script, {}, ['--config', configFile, '--listen', `127.0.0.1:${port}`]);
  const stop = async () => {
    await server.stop(5_000);
    await removeDir(dir);
  };
  try {
    await waitUntil(async () => ((await fetch(`${url}-/ping`)).ok ? true : undefined), {
      timeoutMs: START_TIMEOUT_MS,
      description: 'verdaccio to answer /-/ping',
      giveUpIf: () => (server.hasExited() ? `it exited: ${server.describe()}` : undefined),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    process: server,
    async addUser(name, password) {
      const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(name)}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, password }),
      });
      const body = (await response.json()) as { token?: string };
      if (!response.ok || !body.token) {
        throw new Error(`verdaccio refused to add ${name}: ${response.status} ${JSON.stringify(body)}`);
      }
      return body.token;
    },
    stop,
  };
}
