import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toJwks, type PublicJwk } from '@stowage/auth';

/** A real JWKS endpoint on 127.0.0.1 whose keys and health the test controls. */
export interface JwksServer {
  url: string;
  /** GET requests answered so far. */
  readonly requests: number;
  setKeys(keys: PublicJwk[]): void;
  /** Makes the endpoint answer this status with no JWKS (e.g. 500), or serve again with 200. */
  setStatus(status: number): void;
  /** Stops listening; safe to call twice (tests stop it early to simulate an outage). */
  close(): Promise<void>;
}

export async function startJwksServer(keys: PublicJwk[]): Promise<JwksServer> {
  let current = keys;
  let status = 200;
  let requests = 0;
  const server = createServer((_request, response) => {
    requests += 1;
    if (status !== 200) {
      response.writeHead(status).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(toJwks(current)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/-/jwks`,
    get requests() {
      return requests;
    },
    setKeys(next) {
      current = next;
    },
    setStatus(next) {
      status = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
