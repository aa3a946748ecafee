import path from 'node:path';
import { openDatabase } from '@stowage/db';
import { explainFailure } from './support/explain-failure';
import { basicAuth, createIdentityWorld, randomSecret, type IdentityWorld } from './support/identity-world';
import { makeTempDir, removeDir } from './support/processes';
import { restApi } from './support/rest-api';
import {
  START_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  startStandalone,
  type StandaloneInstance,
} from './support/standalone';

// No secret in plain text at rest: standalone mode creates and uses every kind of credential,
// then the test reads every row of every table in the database and every line the process
// printed (at debug level), looking for each secret and for the registry tokens it handed out.

const SETUP_TIMEOUT_MS = 120_000;

describe('secrets at rest (standalone mode)', () => {
  const rootPassword = randomSecret();
  const rootToken = randomSecret();
  let dataDir: string | undefined;
  let instance: StandaloneInstance | undefined;
  let world: IdentityWorld;
  /** Registry tokens the server issued during the run: bearer secrets too. */
  const issuedJwts: string[] = [];
  let sessionSecret = '';
  let output = '';
  let databaseText = '';

  const withServerOutput = <T>(body: () => Promise<T>) =>
    explainFailure(() => instance?.process.describe() ?? 'standalone was not started', body);

  const jwtAuth = async (authorization: string | undefined, scope: string) => {
    const response = await fetch(
      `${instance!.base}/jwt/auth?service=container_registry&scope=${encodeURIComponent(scope)}`,
      { headers: authorization ? { authorization } : {} },
    );
    const body = (await response.json()) as { token?: string };
    if (body.token) issuedJwts.push(body.token);
    return response.status;
  };

  beforeAll(async () => {
    dataDir = await makeTempDir('e2e-secrets');
    instance = await startStandalone({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      INITIAL_ROOT_PASSWORD: rootPassword,
      INITIAL_ROOT_TOKEN: rootToken,
    });
    await withServerOutput(async () => {
      const api = restApi(instance!.base, rootToken);
      world = await createIdentityWorld(api, 'secrets');
      const scope = `repository:${world.projectPath}:pull,push`;
      // Every credential in every form a client sends it, plus failures that get logged.
      for (const { username, secret } of world.credentials.values()) {
        expect(await jwtAuth(basicAuth(username, secret), scope)).toBe(200);
      }
      expect(await jwtAuth(basicAuth('root', rootPassword), 'registry:catalog:*')).toBe(200);
      expect(await jwtAuth(basicAuth(world.username, `${rootPassword}-wrong`), scope)).toBe(401);
      const pat = world.credentials.get('personal access token')!.secret;
      const requests: { url: string; headers: Record<string, string> }[] = [
        { url: '/api/v4/user', headers: { 'private-token': pat } },
        { url: `/api/v4/user?private_token=${encodeURIComponent(pat)}`, headers: {} },
        { url: '/api/v4/user', headers: { authorization: `Bearer ${rootToken}` } },
      ];
      for (const request of requests) {
        const response = await fetch(`${instance!.base}${request.url}`, { headers: request.headers });
        await response.body?.cancel();
      }
      await api.request('DELETE', world.credentials.get('personal access token')!.revokePath!, 204);
      // A browser session: its cookie is a bearer secret too, used once and kept alive.
      const signIn = await fetch(`${instance!.base}/users/sign_in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'root', password: rootPassword }),
      });
      expect(signIn.status).toBe(200);
      await signIn.body?.cancel();
      const cookie = signIn.headers.getSetCookie().find((line) => line.startsWith('_stowage_session='))!;
      sessionSecret = cookie.slice('_stowage_session='.length, cookie.indexOf(';'));
      const me = await fetch(`${instance!.base}/api/v4/user`, {
        headers: { cookie: `_stowage_session=${sessionSecret}` },
      });
      expect(me.status).toBe(200);
      await me.body?.cancel();
    });
    output = `${instance.process.stdout()}\n${instance.process.stderr()}`;
    await instance.process.stop(STOP_TIMEOUT_MS);

    // Read the database the way an attacker with a copy of DATA_DIR would: every row as text.
    const db = await openDatabase({ dataDir: path.join(dataDir, 'pglite') });
    try {
      const { rows: tables } = await db.query<{ schema: string; table: string }>(
        `SELECT table_schema AS schema, table_name AS table FROM information_schema.tables
          WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      const parts: string[] = [];
      for (const { schema, table } of tables) {
        const { rows } = await db.query<{ row: string }>(
          `SELECT t::text AS row FROM "${schema}"."${table}" t`,
        );
        parts.push(...rows.map((r) => `${schema}.${table}: ${r.row}`));
      }
      databaseText = parts.join('\n');
    } finally {
      await db.close();
    }
  }, START_TIMEOUT_MS + SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await instance?.process.stop(STOP_TIMEOUT_MS);
    await removeDir(dataDir);
  }, STOP_TIMEOUT_MS);

  const secrets = (): [string, string][] => [
    ['the root password', rootPassword],
    ['the root token', rootToken],
    ...[...world.credentials].map(([kind, { secret }]): [string, string] => [kind, secret]),
    ...issuedJwts.map((jwt, i): [string, string] => [`registry token #${i + 1}`, jwt]),
    ['the browser session cookie', sessionSecret],
  ];

  it('when the run is over, then the test did read a populated database and a log', () => {
    expect(databaseText).toContain('auth_token.users');
    expect(databaseText).toContain('auth_token.personal_access_tokens');
    expect(databaseText).toContain('auth_token.sessions');
    expect(sessionSecret).not.toBe('');
    expect(output).toContain('audit');
    expect(issuedJwts.length).toBeGreaterThanOrEqual(5);
  });

  it('when every row of the database is read, then no secret appears in it', () => {
    for (const [name, secret] of secrets()) {
      expect({ name, found: databaseText.includes(secret) }).toEqual({ name, found: false });
    }
    expect(databaseText).not.toContain('PRIVATE KEY');
  });

  it('when everything the process printed is read, then no secret appears in it', () => {
    for (const [name, secret] of secrets()) {
      expect({ name, found: output.includes(secret) }).toEqual({ name, found: false });
    }
  });
});
