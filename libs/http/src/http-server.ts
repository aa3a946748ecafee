import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';

export interface HttpServerHandle {
  server: http.Server;
  /** `http://host:port` the server is reachable on (loopback when bound to all interfaces). */
  url: string;
  /** The address it is bound to, as `host:port` (`0.0.0.0:5000` when bound to all interfaces): what logs say. */
  boundTo: string;
  port: number;
  /**
   * Stops accepting connections, lets in-flight requests finish, closes idle keep-alive
   * connections, and after `graceMs` cuts whatever is still open.
   */
  close(graceMs?: number): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
}

/** Listens with timeouts suited to multi-GiB uploads behind a keep-alive proxy. */
export async function startHttpServer(
  handler: RequestListener,
  options: ListenOptions,
): Promise<HttpServerHandle> {
  const server = http.createServer(handler);
  // A 1 GiB layer over a slow link outlives Node's default 5-minute request timeout; idle
  // sockets are still cut by server.timeout below.
  server.requestTimeout = 0;
  server.timeout = 10 * 60 * 1000;
  // Longer than the gateway's idle keep-alive so the gateway never reuses a socket we are closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const boundTo = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  const reachableHost = ['0.0.0.0', '::', ''].includes(options.host) ? '127.0.0.1' : options.host;
  const url = `http://${reachableHost.includes(':') ? `[${reachableHost}]` : reachableHost}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000) => {
    closing ??= new Promise<void>((resolve) => {
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      // A keep-alive connection busy at shutdown turns idle once its response is done; close it
      // then, or the shutdown would wait for the whole grace period.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      sweep.unref();
      server.close(() => {
        clearTimeout(force);
        clearInterval(sweep);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { server, url, boundTo, port, close };
}
