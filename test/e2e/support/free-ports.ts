import net from 'node:net';

/**
 * `count` distinct free loopback ports (listen on 0, then close). All listeners stay open until
 * every port is known, so the kernel cannot hand out the same port twice, as it could to
 * repeated calls of `freeLoopbackPort`. Another process may still take one before the caller
 * binds it, which is rare enough on a test machine.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const server = net.createServer();
      servers.push(server);
      ports.push(
        await new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: '127.0.0.1', port: 0 }, () => {
            const address = server.address();
            if (address && typeof address === 'object') resolve(address.port);
            else reject(new Error('listening on port 0 gave no port'));
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
