import type { Request } from 'express';
import {
  createUpstreamRegistry,
  UpstreamAuthError,
  type UpstreamRegistry,
  type UpstreamRequestEvent,
} from '../../src/upstream';
import {
  MANIFEST,
  digestOf,
  registryPath,
  serveContent,
  startTestServer,
  type TestServer,
} from './scripted-upstream';

const BASIC = `Basic ${Buffer.from('robot:s3cret, with comma').toString('base64')}`;

/**
 * A registry with Docker's token flow: its challenge names a realm on the same server, which
 * checks Basic credentials, service and scope before handing out tokens bound to that scope.
 */
async function startTokenRegistry(token: { expiresIn?: number; field?: string; refuseAll?: boolean } = {}) {
  const tokenRequests: Request['query'][] = [];
  const issued = new Map<string, string>();
  let server: TestServer | undefined = undefined;
  server = await startTestServer((app) => {
    app.get('/auth/token', (req, res) => {
      tokenRequests.push(req.query);
      if (req.headers.authorization !== BASIC)
        return void res.status(401).json({ details: 'bad credentials' });
      const value = `token-${tokenRequests.length}`;
      issued.set(value, String(req.query.scope));
      const body: Record<string, unknown> = { [token.field ?? 'token']: value };
      if (token.expiresIn !== undefined) body.expires_in = token.expiresIn;
      res.json(body);
    });
    app.use((req, res) => {
      const path = registryPath(req);
      if (!path) return void res.status(404).end();
      const scope = `repository:${path.image}:pull`;
      const presented = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (token.refuseAll && issued.has(presented)) return void res.status(403).end();
      if (issued.get(presented) !== scope) {
        // Quoted values with commas and a second challenge, as parsers must cope with.
        res.set(
          'www-authenticate',
          `Bearer realm="${server!.url}/auth/token",service="registry.test, v2",scope="${scope}", Basic realm="x"`,
        );
        return void res.status(401).json({ errors: [{ code: 'UNAUTHORIZED' }] });
      }
      serveContent(req, res, path);
    });
  });
  return { server, tokenRequests };
}

describe('upstream client with a bearer token realm', () => {
  let upstream: UpstreamRegistry | undefined;
  let server: TestServer | undefined;
  let events: UpstreamRequestEvent[];

  function client(url: string, password = 's3cret, with comma') {
    events = [];
    upstream = createUpstreamRegistry(
      { name: 'tokens', url, username: 'robot', password },
      { observe: (event) => events.push(event) },
    );
    return upstream;
  }

  afterEach(async () => {
    await upstream?.close();
    await server?.close();
  });

  it('when the upstream challenges, then one token request with credentials, service and scope serves two calls', async () => {
    const started = await startTokenRegistry();
    server = started.server;
    const registry = client(server.url);

    const head = await registry.headManifest('team/app', 'latest');
    const fetched = await registry.getManifest('team/app', 'latest');

    expect(head?.digest).toBe(digestOf(MANIFEST));
    expect(fetched?.payload.equals(MANIFEST)).toBe(true);
    expect(started.tokenRequests).toEqual([
      { service: 'registry.test, v2', scope: 'repository:team/app:pull' },
    ]);
    expect(events.map((e) => `${e.method} ${e.outcome}`)).toEqual([
      'HEAD 401',
      'TOKEN 200',
      'HEAD 200',
      'GET 200',
    ]);
  });

  it('when the realm answers access_token, then that token is used', async () => {
    const started = await startTokenRegistry({ field: 'access_token' });
    server = started.server;
    expect(await client(server.url).headManifest('team/app', 'latest')).not.toBeNull();
  });

  it('when another image is asked for, then a token for its own scope is fetched', async () => {
    const started = await startTokenRegistry();
    server = started.server;
    const registry = client(server.url);

    await registry.headManifest('team/app', 'latest');
    await registry.headManifest('team/other', 'latest');

    expect(started.tokenRequests.map((q) => q.scope)).toEqual([
      'repository:team/app:pull',
      'repository:team/other:pull',
    ]);
    // The known realm is asked before the request, so the second image costs no 401.
    expect(events.map((e) => `${e.method} ${e.outcome}`)).toEqual([
      'HEAD 401',
      'TOKEN 200',
      'HEAD 200',
      'TOKEN 200',
      'HEAD 200',
    ]);
  });

  it('when the token has expired, then a new one is fetched', async () => {
    const started = await startTokenRegistry({ expiresIn: 0.2 });
    server = started.server;
    const registry = client(server.url);

    await registry.headManifest('team/app', 'latest');
    await new Promise((resolve) => setTimeout(resolve, 250));
    await registry.headManifest('team/app', 'latest');

    expect(started.tokenRequests).toHaveLength(2);
  });

  it('when the realm refuses the credentials, then UpstreamAuthError', async () => {
    const started = await startTokenRegistry();
    server = started.server;
    await expect(client(server.url, 'wrong').getManifest('team/app', 'latest')).rejects.toBeInstanceOf(
      UpstreamAuthError,
    );
  });

  it('when the upstream refuses even a fresh token, then UpstreamAuthError after one retry', async () => {
    const started = await startTokenRegistry({ refuseAll: true });
    server = started.server;

    await expect(client(server.url).getManifest('team/app', 'latest')).rejects.toBeInstanceOf(
      UpstreamAuthError,
    );
    expect(events.map((e) => `${e.method} ${e.outcome}`)).toEqual(['GET 401', 'TOKEN 200', 'GET 403']);
  });
});
