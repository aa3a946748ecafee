import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSilentLogger } from '@stowage/logging';
import { startGateway, type RunningGateway } from '../src/service';

// How the gateway ends an exchange when one side fails. Each case once hung a client (or the next
// client) until a timeout of minutes; a bound of a few seconds tells "ended" from "hung".
const HANG_BOUND_MS = 5_000;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A stand-in for the registry that misbehaves as told; readiness always answers 200. */
async function startService(handler: Handler) {
  const server = http.createServer((req, res) => {
    if (req.url === '/-/readiness') return void res.writeHead(200).end('{"status":"ok"}');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function gatewayFor(registryUrl: string, idleTimeoutMs = 60_000): Promise<RunningGateway> {
  return startGateway(
    {
      host: '127.0.0.1',
      port: 0,
      trustForwardedHeaders: false,
      externalUrl: 'http://localhost:5000',
      upstreamConnectTimeoutMs: 2_000,
      upstreamIdleTimeoutMs: idleTimeoutMs,
      upstreams: {
        'auth-token': registryUrl,
        registry: registryUrl,
        'dependency-proxy': registryUrl,
        'package-registry': registryUrl,
      },
    },
    createSilentLogger(),
    { collectProcessMetrics: false },
  );
}

/** Resolves with `value()` or rejects naming what did not happen within HANG_BOUND_MS. */
function within<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no end within ${HANG_BOUND_MS} ms`)), HANG_BOUND_MS);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

/** GETs `path` and resolves with how the download ended and how many bytes arrived. */
function download(
  base: string,
  path: string,
): Promise<{ status: number; bytes: number; ended: 'complete' | 'cut' }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () =>
        resolve({ status: res.statusCode!, bytes, ended: res.complete ? 'complete' : 'cut' }),
      );
      res.on('error', () => resolve({ status: res.statusCode!, bytes, ended: 'cut' }));
      res.on('aborted', () => resolve({ status: res.statusCode!, bytes, ended: 'cut' }));
    });
    req.on('error', reject);
  });
}

/**
 * Sends a PATCH with `size` bytes on a keep-alive connection of its own, as docker does; resolves
 * with the answer's status and Connection header as soon as the answer arrives.
 */
function upload(base: string, size: number): Promise<{ status: number; connection: string | undefined }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise((resolve) => {
    const req = http.request(`${base}/v2/team/app/blobs/uploads/abc`, {
      method: 'PATCH',
      agent,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
    });
    req.on('response', (res) => {
      res.resume();
      // A client keeps sending what remains of the body after an early answer, as Node's does.
      let pending = 2;
      const done = () => --pending === 0 && agent.destroy();
      res.on('end', done);
      req.on('close', done);
      resolve({ status: res.statusCode!, connection: res.headers.connection });
    });
    // The gateway may close the connection while the body is still going: that is the point.
    req.on('error', () => undefined);
    const chunk = Buffer.alloc(64 * 1024, 1);
    let sent = 0;
    const write = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('gateway forwarding when a side fails', () => {
  it('when the service breaks off a download mid-body, then the client sees the cut at once', async () => {
    const service = await startService((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(50 << 20) });
      res.write(Buffer.alloc(1 << 20), () => res.socket?.destroy());
    });
    const gateway = await gatewayFor(service.url);
    try {
      const result = await within('download', download(gateway.http.url, '/v2/team/app/blobs/sha256:x'));

      expect(result.status).toBe(200);
      expect(result.ended).toBe('cut');
      expect(result.bytes).toBeLessThan(50 << 20);
    } finally {
      await gateway.stop();
      await service.close();
    }
  });

  it('when the service stops reading an upload half-way and closes, then the client gets the answer with Connection: close and the next requests are answered', async () => {
    // As the registry does when storage fails mid-upload: stop reading, answer, close.
    const service = await startService((req, res) => {
      if (req.method === 'PATCH') {
        req.once('data', () => {
          req.pause();
          res
            .writeHead(503, { 'content-type': 'application/json', connection: 'close' })
            .end('{"errors":[]}');
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const gateway = await gatewayFor(service.url);
    try {
      expect(await within('upload', upload(gateway.http.url, 20 << 20))).toEqual({
        status: 503,
        connection: 'close',
      });
      for (let i = 0; i < 4; i++) {
        const next = await within(`request ${i + 1} after the upload`, download(gateway.http.url, '/v2/'));
        expect(next).toEqual({ status: 200, bytes: 11, ended: 'complete' });
      }
    } finally {
      await gateway.stop();
      await service.close();
    }
  });

  it('when the client goes away mid-download, then the request to the service is aborted', async () => {
    let serviceSawClose!: () => void;
    const closed = new Promise<void>((resolve) => (serviceSawClose = resolve));
    const service = await startService((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 10);
      res.on('close', () => {
        clearInterval(timer);
        serviceSawClose();
      });
    });
    const gateway = await gatewayFor(service.url);
    try {
      const client = http.get(`${gateway.http.url}/v2/team/app/blobs/sha256:x`, { agent: false }, (res) => {
        res.once('data', () => client.destroy());
      });
      client.on('error', () => undefined);

      await within('the service noticing', closed);
    } finally {
      await gateway.stop();
      await service.close();
    }
  });

  it('when the service accepts but never answers, then the client gets a 503 after the idle timeout', async () => {
    const service = await startService(() => undefined);
    const gateway = await gatewayFor(service.url, 300);
    try {
      const res = await within('the answer', fetch(`${gateway.http.url}/v2/`));

      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('UNAVAILABLE');
    } finally {
      await gateway.stop();
      await service.close();
    }
  });

  it('when a service is ready but degraded, then the gateway is ready and names the degraded dependency', async () => {
    const service = await startService(() => undefined);
    service.server.removeAllListeners('request');
    service.server.on('request', (_req, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'degraded',
          checks: { database: { status: 'ok' }, bus: { status: 'degraded' } },
        }),
      );
    });
    const gateway = await gatewayFor(service.url);
    try {
      const res = await fetch(`${gateway.http.url}/-/readiness`);
      const body = (await res.json()) as {
        status: string;
        checks: Record<string, { status: string; message?: string }>;
      };

      expect(res.status).toBe(200);
      expect(body.status).toBe('degraded');
      expect(body.checks.registry).toEqual({ status: 'degraded', message: 'registry is degraded (bus)' });
    } finally {
      await gateway.stop();
      await service.close();
    }
  });
});
