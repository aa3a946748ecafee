import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createBlobStore, type ManagedBlobStore } from '@stowage/blob-store';
import { answerWithStoredBody, STORED_BODY_HEADER, STORED_BODY_OFFER_HEADER } from '@stowage/http';
import { createSilentLogger } from '@stowage/logging';
import { startGateway, type RunningGateway } from '../src/service';

// The gateway sends a body from blob storage when the service that answered names a stored
// object instead of streaming it (as GitLab Workhorse does for Rails). A real filesystem store and
// a stand-in service that answers the way @stowage/oci's sendBlob does.

const LAYER_KEY = 'registry/blobs/sha256/ab/abcdef';
const LAYER = randomBytes(3 * 1024 * 1024 + 17);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Seen {
  offer: string | undefined;
}

/** Names `LAYER_KEY` (or a missing key) as the body when offered; streams the bytes otherwise. */
async function startStandInService(seen: Seen[]) {
  const server = http.createServer((req, res) => {
    if (req.url === '/-/readiness') return void res.writeHead(200).end('{"status":"ok"}');
    const offer = req.headers[STORED_BODY_OFFER_HEADER] as string | undefined;
    seen.push({ offer });
    const key = req.url!.includes('missing') ? 'registry/blobs/sha256/00/0000' : LAYER_KEY;
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Docker-Content-Digest', `sha256:${sha256(LAYER)}`);
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const length = range ? Number(range[2]) - start + 1 : LAYER.length;
    if (range) {
      res.statusCode = 206;
      res.setHeader('Content-Range', `bytes ${start}-${start + length - 1}/${LAYER.length}`);
    }
    if (offer === '1') return answerWithStoredBody(res, { key, start, length });
    res.setHeader('Content-Length', String(length));
    res.end(LAYER.subarray(start, start + length));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function gatewayFor(serviceUrl: string, storedBodies?: ManagedBlobStore): Promise<RunningGateway> {
  return startGateway(
    {
      host: '127.0.0.1',
      port: 0,
      trustForwardedHeaders: false,
      externalUrl: 'http://localhost:5000',
      upstreams: {
        'auth-token': serviceUrl,
        registry: serviceUrl,
        'dependency-proxy': serviceUrl,
        'package-registry': serviceUrl,
      },
      storedBodies,
    },
    createSilentLogger(),
    { collectProcessMetrics: false },
  );
}

describe('gateway: bodies sent from blob storage', () => {
  let directory: string;
  let blobs: ManagedBlobStore;
  let seen: Seen[];
  let service: Awaited<ReturnType<typeof startStandInService>>;
  let gateway: RunningGateway;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'stowage-stored-bodies-'));
    blobs = createBlobStore({ directory });
    await blobs.initialize();
    await blobs.put(LAYER_KEY, LAYER);
    seen = [];
    service = await startStandInService(seen);
    gateway = await gatewayFor(service.url, blobs);
  });

  afterAll(async () => {
    await gateway.stop();
    await service.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('when the service names a stored object, then the client gets its bytes with the service status and headers', async () => {
    const res = await fetch(`${gateway.http.url}/v2/team/app/blobs/sha256:ab`);
    const body = Buffer.from(await res.arrayBuffer());

    expect(res.status).toBe(200);
    expect(seen.at(-1)!.offer).toBe('1');
    expect(res.headers.get('content-length')).toBe(String(LAYER.length));
    expect(res.headers.get('docker-content-digest')).toBe(`sha256:${sha256(LAYER)}`);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.has(STORED_BODY_HEADER)).toBe(false);
    expect(sha256(body)).toBe(sha256(LAYER));
    const metrics = await (await fetch(`${gateway.http.url}/metrics`)).text();
    expect(metrics).toContain(
      `stowage_gateway_stored_body_bytes_total{upstream="registry",service="gateway"} ${LAYER.length}`,
    );
  });

  it('when the service names a range of it, then the client gets exactly those bytes as a 206', async () => {
    const res = await fetch(`${gateway.http.url}/v2/team/app/blobs/sha256:ab`, {
      headers: { range: 'bytes=1000-1099' },
    });
    const body = Buffer.from(await res.arrayBuffer());

    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 1000-1099/${LAYER.length}`);
    expect(res.headers.get('content-length')).toBe('100');
    expect(body.equals(LAYER.subarray(1000, 1100))).toBe(true);
  });

  it('when storage no longer has the named object, then the client gets a 404 in its protocol, not a 500', async () => {
    const oci = await fetch(`${gateway.http.url}/v2/team/app/blobs/missing`);
    const gitlab = await fetch(`${gateway.http.url}/api/v4/projects/1/packages/generic/missing`);

    expect(oci.status).toBe(404);
    expect(await oci.json()).toMatchObject({ errors: [{ code: 'BLOB_UNKNOWN' }] });
    expect(gitlab.status).toBe(404);
    expect(await gitlab.json()).toEqual({ message: '404 File Not Found' });
    // Both connections stay usable: the next download through the same gateway works.
    const next = await fetch(`${gateway.http.url}/v2/team/app/blobs/sha256:ab`);
    expect(sha256(Buffer.from(await next.arrayBuffer()))).toBe(sha256(LAYER));
  });

  it('when a client sends the offer itself to a gateway without storage, then the service never sees it and streams', async () => {
    const plain = await gatewayFor(service.url);
    try {
      const res = await fetch(`${plain.http.url}/v2/team/app/blobs/sha256:ab`, {
        headers: { [STORED_BODY_OFFER_HEADER]: '1' },
      });
      const body = Buffer.from(await res.arrayBuffer());

      expect(seen.at(-1)!.offer).toBeUndefined();
      expect(sha256(body)).toBe(sha256(LAYER));
    } finally {
      await plain.stop();
    }
  });

  it('when the client goes away mid-body, then the gateway keeps serving others', async () => {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${gateway.http.url}/v2/team/app/blobs/sha256:ab`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    });

    const res = await fetch(`${gateway.http.url}/v2/team/app/blobs/sha256:ab`);
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(LAYER));
  });
});
