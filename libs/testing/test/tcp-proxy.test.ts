import net from 'node:net';
import { startTcpProxy, type TcpProxy } from '@stowage/testing';

/** An echo server: whatever a connection sends comes back on it. */
async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A client connection that records what arrives and how it ended. */
interface Client {
  socket: net.Socket;
  received(): string;
  /** Resolves with 'error' or 'end' once the connection is over; never rejects. */
  ended: Promise<'error' | 'end'>;
}

function connect(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let received = '';
    const ended = new Promise<'error' | 'end'>((settle) => {
      let how: 'error' | 'end' = 'end';
      socket.on('error', () => (how = 'error'));
      socket.once('close', () => settle(how));
    });
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.once('connect', () => resolve({ socket, received: () => received, ended }));
    socket.once('error', reject);
  });
}

async function echoed(client: Client, text: string, timeoutMs = 2_000): Promise<string> {
  const before = client.received().length;
  client.socket.write(text);
  const deadline = Date.now() + timeoutMs;
  while (client.received().length < before + text.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return client.received().slice(before);
}

/** Within `ms`, or 'pending'. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms))),
  ]).finally(() => clearTimeout(timer));
}

describe('startTcpProxy', () => {
  let echo: Awaited<ReturnType<typeof startEchoServer>>;
  let proxy: TcpProxy;
  const clients: Client[] = [];
  const client = async () => {
    const connected = await connect(proxy.port);
    clients.push(connected);
    return connected;
  };

  beforeEach(async () => {
    echo = await startEchoServer();
    proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: echo.port } });
  });

  afterEach(async () => {
    for (const { socket } of clients.splice(0)) socket.destroy();
    await proxy.close();
    await echo.close();
  });

  it('when started, then it listens on loopback and forwards bytes both ways', async () => {
    expect(proxy.address).toBe(`127.0.0.1:${proxy.port}`);
    const one = await client();

    expect(await echoed(one, 'hello')).toBe('hello');
    expect(proxy.connections()).toBe(1);
  });

  it('when cut, then open connections end at once and new ones are closed without reaching the target', async () => {
    const one = await client();
    const two = await client();
    expect(await echoed(one, 'a')).toBe('a');
    expect(await echoed(two, 'b')).toBe('b');

    await proxy.cut();

    expect(await within(one.ended, 1_000)).toBe('error');
    expect(await within(two.ended, 1_000)).toBe('error');
    expect(proxy.connections()).toBe(0);
    expect(proxy.isCut()).toBe(true);
    // A new connection may complete the handshake, but is reset before any byte comes back.
    const refused = await connect(proxy.port).then(
      async (late) => {
        clients.push(late);
        late.socket.write('lost');
        return { ended: await within(late.ended, 1_000), received: late.received() };
      },
      () => ({ ended: 'error', received: '' }),
    );
    expect(refused).toEqual({ ended: 'error', received: '' });
  });

  it('when restored after a cut, then new connections carry traffic again', async () => {
    await proxy.cut();
    proxy.restore();

    const again = await client();
    expect(proxy.isCut()).toBe(false);
    expect(await echoed(again, 'back')).toBe('back');
  });

  it('when cut as a black hole, then open and new connections stay open but nothing is forwarded, until restore ends them', async () => {
    const open = await client();
    expect(await echoed(open, 'x')).toBe('x');

    await proxy.cut('black-hole');
    const held = await client();

    expect(await echoed(open, 'lost', 300)).toBe('');
    expect(await echoed(held, 'lost', 300)).toBe('');
    expect(await within(open.ended, 100)).toBe('pending');
    expect(proxy.connections()).toBe(2);

    proxy.restore();
    expect(await within(open.ended, 1_000)).toBe('error');
    expect(await within(held.ended, 1_000)).toBe('error');
    const fresh = await client();
    expect(await echoed(fresh, 'ok')).toBe('ok');
  });

  it('when the target is down, then a connection through the proxy is closed rather than left hanging', async () => {
    await echo.close();

    const orphan = await client();

    expect(await within(orphan.ended, 1_000)).not.toBe('pending');
  });

  it('when closed, then it stops listening and ends open connections', async () => {
    const one = await client();

    await proxy.close();

    expect(await within(one.ended, 1_000)).not.toBe('pending');
    await expect(connect(proxy.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
