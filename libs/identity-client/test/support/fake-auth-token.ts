import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait for this before answering (a slow or stuck auth-token). */
  gate?: Promise<void>;
}

/** A real HTTP server on 127.0.0.1 standing in for auth-token's `POST /internal/v1/authorize`. */
export interface FakeAuthToken {
  url: string;
  readonly calls: RecordedCall[];
  /** How the next calls are answered. */
  reply: (call: RecordedCall) => FakeReply;
  close(): Promise<void>;
}

export async function startFakeAuthToken(): Promise<FakeAuthToken> {
  const calls: RecordedCall[] = [];
  const fake = {
    url: '',
    calls,
    reply: (): FakeReply => ({ status: 500 }),
    close: async () => undefined,
  } as FakeAuthToken;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const call: RecordedCall = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      calls.push(call);
      const reply = fake.reply(call);
      void (reply.gate ?? Promise.resolve()).then(() => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
