import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server that keeps every request it receives (method, path, headers, body) and
 * answers through a route the test supplies. It stands in for the registry while the registry's
 * endpoints do not exist yet, and shows exactly what a real client sends.
 */
export interface RecordedRequest {
  method: string;
  /** The request target as sent: path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export type Route = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface RecordingServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingServer(route: Route): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(recorded);
      Promise.resolve()
        .then(() => route(recorded))
        .then(
          (reply) => send(res, reply, recorded.method),
          (error: unknown) => send(res, { status: 500, body: String(error) }, recorded.method),
        );
    });
  });
  // Clients keep connections alive; close() must not wait for them.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: http.ServerResponse, reply: Reply, method: string): void {
  const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(reply.body);
  res.writeHead(reply.status, { 'Content-Length': String(body.length), ...reply.headers });
  res.end(method === 'HEAD' ? undefined : body);
}

/** Basic credentials from an Authorization header, or undefined when there are none. */
export function basicCredentials(
  headers: IncomingHttpHeaders,
): { username: string; password: string } | undefined {
  const match = /^Basic (.+)$/i.exec(headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Wraps a route so only requests `accepted` lets through reach it; others get 401 with a Basic
 * challenge, which is what makes Maven's wagon and pip send credentials they hold back until asked.
 */
export function requireAuth(accepted: (headers: IncomingHttpHeaders) => boolean, route: Route): Route {
  return (request) =>
    accepted(request.headers)
      ? route(request)
      : { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="stowage"' }, body: 'unauthorized' };
}
