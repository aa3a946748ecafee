import net from 'node:net';

/**
 * How a cut behaves: `refuse` resets every open connection and every new one at once (the
 * server is down); `black-hole` accepts new connections and holds open ones, but forwards no byte
 * either way (a network partition: clients notice only through their own timeouts).
 */
export type CutMode = 'refuse' | 'black-hole';

export interface TcpProxyOptions {
  /** Where accepted connections are forwarded to. */
  target: { host: string; port: number };
}

/** A TCP proxy on loopback in front of a server, which a test can cut off and restore. */
export interface TcpProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:<port>`, to put into a URL in place of the target's host and port. */
  readonly address: string;
  readonly target: { host: string; port: number };
  /**
   * Cuts the target off. `refuse` (the default) destroys every open connection both ways (with
   * a TCP reset) and resolves once all are closed; until `restore()`, new connections are
   * accepted and reset at once. `black-hole` stops forwarding on open connections and holds new
   * ones without reaching the target; `restore()` then destroys what it held.
   */
  cut(mode?: CutMode): Promise<void>;
  /** Forwards new connections to the target again. */
  restore(): void;
  /** Whether the target is cut off now. */
  isCut(): boolean;
  /** Open client connections (forwarded or held). */
  connections(): number;
  /** Stops listening and destroys every connection; safe to call twice. */
  close(): Promise<void>;
}

interface Connection {
  client: net.Socket;
  upstream?: net.Socket;
}

const closedSockets = new WeakMap<net.Socket, Promise<void>>();

/** Resolves once `socket` has emitted 'close'; call it as soon as the socket exists. */
function whenClosed(socket: net.Socket): Promise<void> {
  let promise = closedSockets.get(socket);
  if (!promise) {
    promise = new Promise((resolve) => socket.once('close', () => resolve()));
    closedSockets.set(socket, promise);
  }
  return promise;
}

/** Resets both sockets of a connection (RST rather than FIN: the peer sees the connection fail). */
function reset(connection: Connection): Promise<void> {
  const sockets = [connection.client, connection.upstream].filter((s): s is net.Socket => !!s);
  for (const socket of sockets) {
    if (socket.destroyed) continue;
    // A socket that is still connecting has no handle to reset yet.
    if (socket.connecting) socket.destroy();
    else socket.resetAndDestroy();
  }
  return Promise.all(sockets.map(whenClosed)).then(() => undefined);
}

/**
 * Starts a TCP proxy on 127.0.0.1 and a free port in front of `target`, built on node:net: each
 * accepted connection gets a connection of its own to the target, bytes are piped both ways
 * (half-closes included), and when either side closes or fails, so does the other.
 */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const target = { ...options.target };
  const open = new Set<Connection>();
  let mode: CutMode | undefined;

  const forward = (connection: Connection) => {
    const { client } = connection;
    const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
    connection.upstream = upstream;
    void whenClosed(upstream);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    // One side gone (closed, reset or never connected): the other goes too.
    const closeBoth = () => void reset(connection);
    upstream.once('error', closeBoth);
    upstream.once('close', () => {
      if (!client.destroyed) client.destroy();
    });
    client.once('close', () => {
      if (!upstream.destroyed) upstream.destroy();
    });
  };

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const connection: Connection = { client };
    void whenClosed(client);
    client.once('error', () => void reset(connection));
    if (mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    open.add(connection);
    client.once('close', () => open.delete(connection));
    // Held: neither read nor forwarded until restore() destroys it.
    if (mode === 'black-hole') client.pause();
    else forward(connection);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    target,
    async cut(cutMode = 'refuse') {
      mode = cutMode;
      if (cutMode === 'refuse') {
        await Promise.all([...open].map(reset));
        return;
      }
      for (const { client, upstream } of open) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    restore() {
      // What a black hole held can never be completed correctly: bytes were dropped.
      if (mode === 'black-hole') for (const connection of open) void reset(connection);
      mode = undefined;
    },
    isCut: () => mode !== undefined,
    connections: () => open.size,
    close() {
      closed ??= (async () => {
        mode = 'refuse';
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all([...open].map(reset));
        await stopped;
      })();
      return closed;
    },
  };
}
