import express, { type Express } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** An express app listening on 127.0.0.1 and a free port, for upstreams a test scripts itself. */
export interface TestServer {
  app: Express;
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(configure: (app: Express) => void): Promise<TestServer> {
  const app = express();
  configure(app);
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        // Keep-alive sockets of the client under test would otherwise hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
