import type { Express, Response } from 'express';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import {
  createUpstreamRegistry,
  UpstreamInvalidResponseError,
  UpstreamUnavailableError,
  type UpstreamRegistry,
} from '../../src/upstream';
import { DependencyUnavailableError } from '@stowage/errors';
import {
  BLOB,
  MANIFEST,
  OCI_MANIFEST,
  digestOf,
  registryPath,
  startTestServer,
  type TestServer,
} from './scripted-upstream';

/** Sends `length` announced bytes but only `sent` of them, then drops the connection. */
async function cutShort(res: Response, length: number, sent: Buffer, type = 'application/octet-stream') {
  res.writeHead(200, { 'content-type': type, 'content-length': String(length) });
  res.write(sent);
  await new Promise((resolve) => setTimeout(resolve, 20));
  res.socket?.destroy();
}

describe('upstream client when the upstream misbehaves', () => {
  let server: TestServer | undefined;
  let upstream: UpstreamRegistry | undefined;

  async function upstreamAnswering(handle: (app: Express) => void, idleTimeoutMs?: number) {
    server = await startTestServer(handle);
    upstream = createUpstreamRegistry(
      { name: 'flaky', url: server.url, username: null, password: null },
      { idleTimeoutMs },
    );
    return upstream;
  }

  afterEach(async () => {
    await upstream?.close();
    await server?.close();
    server = upstream = undefined;
  });

  it('when nothing listens on the upstream port, then UpstreamUnavailableError', async () => {
    const closed = await startTestServer(() => undefined);
    await closed.close();
    upstream = createUpstreamRegistry({ name: 'gone', url: closed.url, username: null, password: null });

    const failure = upstream.getManifest('app', 'v1');

    await expect(failure).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it.each([
    [503, '120', 120],
    [429, new Date(Date.now() + 60_000).toUTCString(), 60],
    [500, undefined, DependencyUnavailableError.DEFAULT_RETRY_AFTER_SECONDS],
  ])(
    'when the upstream answers %d with Retry-After %s, then UpstreamUnavailableError retrying after %d s',
    async (status, retryAfter, seconds) => {
      const registry = await upstreamAnswering((app) =>
        app.use((_req, res) => {
          if (retryAfter !== undefined) res.set('retry-after', retryAfter);
          res.status(status).json({ errors: [{ code: 'TOOMANYREQUESTS' }] });
        }),
      );

      const error = await registry.headManifest('app', 'v1').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(UpstreamUnavailableError);
      expect((error as UpstreamUnavailableError).retryAfterSeconds).toBeGreaterThanOrEqual(seconds - 1);
      expect((error as UpstreamUnavailableError).retryAfterSeconds).toBeLessThanOrEqual(seconds);
    },
  );

  it('when the upstream answers an unexpected 400, then UpstreamInvalidResponseError', async () => {
    const registry = await upstreamAnswering((app) => app.use((_req, res) => res.status(400).end()));
    await expect(registry.getManifest('app', 'v1')).rejects.toBeInstanceOf(UpstreamInvalidResponseError);
  });

  it('when the manifest bytes do not match Docker-Content-Digest, then UpstreamInvalidResponseError', async () => {
    const registry = await upstreamAnswering((app) =>
      app.use((_req, res) => {
        res.set({ 'content-type': OCI_MANIFEST, 'docker-content-digest': digestOf('something else') });
        res.send(MANIFEST);
      }),
    );
    await expect(registry.getManifest('app', 'v1')).rejects.toBeInstanceOf(UpstreamInvalidResponseError);
  });

  it('when a manifest asked for by digest comes back with other bytes, then UpstreamInvalidResponseError', async () => {
    const registry = await upstreamAnswering((app) =>
      app.use((_req, res) => res.type(OCI_MANIFEST).send(Buffer.from('{"tampered":true}'))),
    );
    await expect(registry.getManifest('app', digestOf(MANIFEST))).rejects.toBeInstanceOf(
      UpstreamInvalidResponseError,
    );
  });

  it('when a HEAD has no Docker-Content-Digest, then UpstreamInvalidResponseError (the caller GETs instead)', async () => {
    const registry = await upstreamAnswering((app) =>
      app.use((_req, res) => res.type(OCI_MANIFEST).send(MANIFEST)),
    );
    await expect(registry.headManifest('app', 'v1')).rejects.toBeInstanceOf(UpstreamInvalidResponseError);
  });

  it.each([true, false])(
    'when a manifest is over 4 MiB (Content-Length sent: %s), then UpstreamInvalidResponseError',
    async (withLength) => {
      const huge = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
      const registry = await upstreamAnswering((app) =>
        app.use((_req, res) => {
          res.type(OCI_MANIFEST);
          if (withLength) return void res.send(huge);
          res.write(huge.subarray(0, 1024));
          res.end(huge.subarray(1024));
        }),
      );
      await expect(registry.getManifest('app', 'v1')).rejects.toBeInstanceOf(UpstreamInvalidResponseError);
    },
  );

  it('when a manifest response breaks off, then UpstreamUnavailableError', async () => {
    const registry = await upstreamAnswering((app) =>
      app.use((_req, res) => void cutShort(res, 5000, MANIFEST, OCI_MANIFEST)),
    );
    await expect(registry.getManifest('app', 'v1')).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('when a blob body breaks off mid-stream, then the body stream errors instead of ending', async () => {
    const registry = await upstreamAnswering((app) =>
      app.use((_req, res) => void cutShort(res, BLOB.length, BLOB.subarray(0, 1000))),
    );

    const blob = await registry.getBlob('app', digestOf(BLOB));
    blob!.body.resume();

    await expect(finished(blob!.body)).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('when a blob body has the wrong bytes, then the body stream errors at its end', async () => {
    const registry = await upstreamAnswering((app) =>
      app.use((_req, res) => res.send(Buffer.from(BLOB).fill(1, 0, 1))),
    );

    const blob = await registry.getBlob('app', digestOf(BLOB));
    blob!.body.resume();

    await expect(finished(blob!.body)).rejects.toBeInstanceOf(UpstreamInvalidResponseError);
  });

  it('when a blob body stalls longer than the idle timeout, then the body stream errors', async () => {
    const registry = await upstreamAnswering(
      (app) =>
        app.use((_req, res) => {
          res.writeHead(200, { 'content-length': String(BLOB.length) });
          res.write(BLOB.subarray(0, 100));
        }),
      200,
    );

    const blob = await registry.getBlob('app', digestOf(BLOB));
    blob!.body.resume();

    await expect(finished(blob!.body)).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('when the upstream sends no headers within the idle timeout, then UpstreamUnavailableError', async () => {
    const registry = await upstreamAnswering((app) => app.use(() => undefined), 200);
    await expect(registry.headManifest('app', 'v1')).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });

  it('when the caller destroys a blob body early, then the upstream connection is released', async () => {
    let closed: Promise<unknown> | undefined;
    const registry = await upstreamAnswering((app) =>
      app.use((req, res) => {
        closed = once(res, 'close');
        res.writeHead(200, { 'content-length': String(10 * BLOB.length) });
        res.write(BLOB);
        void registryPath(req);
      }),
    );

    const blob = await registry.getBlob('app', digestOf(BLOB));
    blob!.body.destroy();

    await expect(closed).resolves.toBeDefined();
  });
});
