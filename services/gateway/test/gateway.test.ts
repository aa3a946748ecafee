import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createSilentLogger } from '@stowage/logging';
import { startGateway, type RunningGateway } from '../src/service';

type Upstream = 'auth-token' | 'registry' | 'dependency-proxy' | 'package-registry';

/** A real HTTP server standing in for a service: it echoes what it received and hashes the body. */
function startEchoService(name: string, ready = true): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === '/-/readiness') {
      res.writeHead(ready ? 200 : 503).end();
      return;
    }
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    req.on('end', () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (req.url?.startsWith('/v2/redirect-me'))
        headers.location = `http://${req.socket.localAddress}:${(server.address() as AddressInfo).port}/v2/next?x=1`;
      res.writeHead(202, headers);
      res.end(
        JSON.stringify({
          service: name,
          url: req.url,
          method: req.method,
          headers: req.headers,
          size,
          digest: hash.digest('hex'),
        }),
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

async function startStack(options: { trust?: boolean; notReady?: Upstream[]; down?: Upstream[] } = {}) {
  const names: Upstream[] = ['auth-token', 'registry', 'dependency-proxy', 'package-registry'];
  const services = await Promise.all(names.map((n) => startEchoService(n, !options.notReady?.includes(n))));
  const upstreams = Object.fromEntries(names.map((n, i) => [n, services[i]!.url])) as Record<
    Upstream,
    string
  >;
  for (const name of options.down ?? []) upstreams[name] = 'http://127.0.0.1:9'; // discard port: refused
  const gateway = await startGateway(
    {
      host: '127.0.0.1',
      port: 0,
      trustForwardedHeaders: options.trust ?? false,
      externalUrl: 'http://localhost:5000',
      upstreams,
    },
    createSilentLogger(),
    { collectProcessMetrics: false },
  );
  return {
    gateway,
    stop: async () => {
      await gateway.stop();
      await Promise.all(services.map((s) => s.close()));
    },
  };
}

async function call(gateway: RunningGateway, path: string, init: RequestInit = {}) {
  const res = await fetch(`${gateway.http.url}${path}`, init);
  return { res, body: (await res.json()) as Record<string, unknown> & { headers: Record<string, string> } };
}

describe('gateway', () => {
  it('when paths belong to different services, then each reaches its owner with the query intact', async () => {
    const stack = await startStack();
    try {
      const v2 = await call(stack.gateway, '/v2/group/project/tags/list?n=10');
      expect(v2.body).toMatchObject({ service: 'registry', url: '/v2/group/project/tags/list?n=10' });
      expect(
        (await call(stack.gateway, '/v2/g/dependency_proxy/containers/alpine/manifests/3')).body.service,
      ).toBe('dependency-proxy');
      expect((await call(stack.gateway, '/jwt/auth?service=container_registry')).body.service).toBe(
        'auth-token',
      );
      expect((await call(stack.gateway, '/api/v4/projects/1/packages/npm/x')).body.service).toBe(
        'package-registry',
      );
      expect((await call(stack.gateway, '/api/v4/users')).body.service).toBe('auth-token');
    } finally {
      await stack.stop();
    }
  });

  it('when a large body is streamed through, then the service receives every byte unchanged', async () => {
    const stack = await startStack();
    try {
      const chunk = Buffer.alloc(1024 * 1024, 7);
      const chunks = 64;
      const expected = createHash('sha256');
      for (let i = 0; i < chunks; i++) expected.update(chunk);
      const body = Readable.from(
        (function* () {
          for (let i = 0; i < chunks; i++) yield chunk;
        })(),
      );
      const { body: echoed } = await call(stack.gateway, '/v2/g/p/blobs/uploads/abc', {
        method: 'PATCH',
        body: Readable.toWeb(body) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      expect(echoed.size).toBe(chunks * chunk.length);
      expect(echoed.digest).toBe(expected.digest('hex'));
    } finally {
      await stack.stop();
    }
  });

  it('when a small body arrives with its headers, then the service receives it; a GET sends none', async () => {
    const stack = await startStack();
    try {
      const json = JSON.stringify({ name: 'team', path: 'team' });
      const { body: posted } = await call(stack.gateway, '/api/v4/groups', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: json,
      });
      const { body: got } = await call(stack.gateway, '/api/v4/groups');

      expect(posted.size).toBe(Buffer.byteLength(json));
      expect(posted.digest).toBe(createHash('sha256').update(json).digest('hex'));
      expect(got.size).toBe(0);
      expect(got.headers).not.toHaveProperty('transfer-encoding');
    } finally {
      await stack.stop();
    }
  });

  it('when nothing trusted is in front, then client X-Forwarded-* are replaced and Host is kept', async () => {
    const stack = await startStack();
    try {
      const { body } = await call(stack.gateway, '/v2/', {
        headers: {
          'X-Forwarded-Host': 'evil.example',
          'X-Forwarded-For': '6.6.6.6',
          'X-Request-Id': 'abc-123',
        },
      });
      const port = new URL(stack.gateway.http.url).port;
      expect(body.headers.host).toBe(`127.0.0.1:${port}`);
      expect(body.headers['x-forwarded-host']).toBe(`127.0.0.1:${port}`);
      expect(body.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(body.headers['x-forwarded-proto']).toBe('http');
      expect(body.headers['x-request-id']).toBe('abc-123');
    } finally {
      await stack.stop();
    }
  });

  it('when configured to trust the proxy in front, then its X-Forwarded-* are kept and extended', async () => {
    const stack = await startStack({ trust: true });
    try {
      const { body } = await call(stack.gateway, '/v2/', {
        headers: {
          'X-Forwarded-Host': 'registry.example',
          'X-Forwarded-For': '10.0.0.1',
          'X-Forwarded-Proto': 'https',
        },
      });
      expect(body.headers['x-forwarded-host']).toBe('registry.example');
      expect(body.headers['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
      expect(body.headers['x-forwarded-proto']).toBe('https');
    } finally {
      await stack.stop();
    }
  });

  it('when a service answers with an absolute Location on its own address, then the client sees its own origin', async () => {
    const stack = await startStack();
    try {
      const { res } = await call(stack.gateway, '/v2/redirect-me');
      expect(res.headers.get('location')).toBe(`${stack.gateway.http.url}/v2/next?x=1`);
    } finally {
      await stack.stop();
    }
  });

  it('when a service is down, then registry paths get an OCI 503 and API paths a GitLab 503, both with Retry-After', async () => {
    const stack = await startStack({ down: ['registry', 'auth-token'] });
    try {
      const v2 = await call(stack.gateway, '/v2/');
      expect(v2.res.status).toBe(503);
      expect(v2.res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(v2.body).toEqual({
        errors: [
          {
            code: 'UNAVAILABLE',
            message: 'service unavailable',
            detail: null,
          },
        ],
      });
      const api = await call(stack.gateway, '/api/v4/users');
      expect(api.res.status).toBe(503);
      expect(api.res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(api.body).toEqual({ message: '503 Service Unavailable' });
    } finally {
      await stack.stop();
    }
  });

  it('when no service owns a path, then the gateway answers a GitLab-style 404', async () => {
    const stack = await startStack();
    try {
      const { res, body } = await call(stack.gateway, '/nothing/here');
      expect(res.status).toBe(404);
      expect(body).toEqual({ message: '404 Not Found' });
    } finally {
      await stack.stop();
    }
  });

  it('when every service is ready, then readiness is 200; when one is not, then 503 naming it', async () => {
    const ready = await startStack();
    const partial = await startStack({ notReady: ['package-registry'] });
    try {
      expect((await fetch(`${ready.gateway.http.url}/-/readiness`)).status).toBe(200);
      const { res, body } = await call(partial.gateway, '/-/readiness');
      expect(res.status).toBe(503);
      expect((body.checks as unknown as Record<string, { status: string }>)['package-registry']!.status).toBe(
        'failed',
      );
    } finally {
      await ready.stop();
      await partial.stop();
    }
  });
});
