import { text } from 'node:stream/consumers';
import {
  createUpstreamRegistry,
  UpstreamAuthError,
  UpstreamInvalidResponseError,
  type UpstreamRegistry,
  type UpstreamRequestEvent,
} from '../../src/upstream';
import {
  BLOB,
  digestOf,
  registryPath,
  serveContent,
  startTestServer,
  type TestServer,
} from './scripted-upstream';

const BASIC = `Basic ${Buffer.from('robot:pw').toString('base64')}`;

describe('upstream client with Basic auth and redirects', () => {
  const servers: TestServer[] = [];
  let upstream: UpstreamRegistry | undefined;
  let events: UpstreamRequestEvent[];
  let storageHeaders: Record<string, string | string[] | undefined>[];

  /** Object storage on another origin, which records what it was sent. */
  async function startStorage(): Promise<TestServer> {
    const storage = await startTestServer((app) =>
      app.get('/bucket/blob', (req, res) => {
        storageHeaders.push(req.headers);
        res.type('application/octet-stream').send(BLOB);
      }),
    );
    servers.push(storage);
    return storage;
  }

  /** A registry that wants Basic credentials and redirects blob GETs to `blobLocation`. */
  async function startBasicRegistry(blobLocation?: (server: TestServer) => string): Promise<TestServer> {
    let self: TestServer | undefined = undefined;
    self = await startTestServer((app) => {
      app.get('/same-origin/blob', (req, res) => {
        storageHeaders.push(req.headers);
        res.type('application/octet-stream').send(BLOB);
      });
      app.get('/loop', (_req, res) => res.redirect(307, '/loop'));
      app.use((req, res) => {
        if (req.headers.authorization !== BASIC) {
          res.set('www-authenticate', 'Basic realm="Registry Realm"');
          return void res.status(401).end();
        }
        const path = registryPath(req);
        if (path?.kind === 'blobs' && blobLocation) return void res.redirect(307, blobLocation(self!));
        if (!path) return void res.status(404).end();
        serveContent(req, res, path);
      });
    });
    servers.push(self);
    return self;
  }

  function client(url: string, credentials: { username: string | null; password: string | null }) {
    events = [];
    upstream = createUpstreamRegistry(
      { name: 'basic', url, ...credentials },
      { observe: (e) => events.push(e) },
    );
    return upstream;
  }

  beforeEach(() => {
    storageHeaders = [];
  });
  afterEach(async () => {
    await upstream?.close();
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('when the upstream challenges with Basic, then the credentials are sent, and from then on at once', async () => {
    const registry = client((await startBasicRegistry()).url, { username: 'robot', password: 'pw' });

    expect(await registry.headManifest('app', 'v1')).not.toBeNull();
    expect(await registry.headManifest('app', 'v1')).not.toBeNull();
    expect(events.map((e) => `${e.method} ${e.outcome}`)).toEqual(['HEAD 401', 'HEAD 200', 'HEAD 200']);
  });

  it('when Basic is asked for but no credentials are configured, then UpstreamAuthError without a retry', async () => {
    const registry = client((await startBasicRegistry()).url, { username: null, password: null });

    await expect(registry.getManifest('app', 'v1')).rejects.toBeInstanceOf(UpstreamAuthError);
    expect(events).toHaveLength(1);
  });

  it('when the Basic credentials are wrong, then UpstreamAuthError', async () => {
    const registry = client((await startBasicRegistry()).url, { username: 'robot', password: 'nope' });
    await expect(registry.getManifest('app', 'v1')).rejects.toBeInstanceOf(UpstreamAuthError);
  });

  it('when a blob GET redirects to another origin, then it is followed without the Authorization header', async () => {
    const storage = await startStorage();
    const server = await startBasicRegistry(() => `${storage.url}/bucket/blob`);
    const registry = client(server.url, { username: 'robot', password: 'pw' });

    const blob = await registry.getBlob('app', digestOf(BLOB));

    expect(await text(blob!.body)).toBe(BLOB.toString());
    expect(storageHeaders).toHaveLength(1);
    expect(storageHeaders[0]!.authorization).toBeUndefined();
    expect(events.map((e) => `${e.method} ${e.outcome}`)).toEqual(['GET 401', 'GET 307', 'GET 200']);
  });

  it('when a blob GET redirects within the upstream origin, then the Authorization header stays', async () => {
    const server = await startBasicRegistry((self) => `${self.url}/same-origin/blob`);
    const registry = client(server.url, { username: 'robot', password: 'pw' });

    const blob = await registry.getBlob('app', digestOf(BLOB));

    expect(await text(blob!.body)).toBe(BLOB.toString());
    expect(storageHeaders[0]!.authorization).toBe(BASIC);
  });

  it('when redirects go on and on, then UpstreamInvalidResponseError after five', async () => {
    const server = await startBasicRegistry((self) => `${self.url}/loop`);
    const registry = client(server.url, { username: 'robot', password: 'pw' });

    await expect(registry.getBlob('app', digestOf(BLOB))).rejects.toBeInstanceOf(
      UpstreamInvalidResponseError,
    );
    expect(events.filter((e) => e.outcome === '307')).toHaveLength(6);
  });
});
