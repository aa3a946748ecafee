import { connect } from 'node:net';

/**
 * A PUT whose body breaks off: it announces 100,000 bytes, sends `body` (shorter), and the client
 * goes away. What the registry received must be dropped: nothing stored, nothing published.
 */
export function truncatedPut(
  base: string,
  pathName: string,
  token: string,
  body: string = 'x'.repeat(50_000),
): Promise<void> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        `PUT /api/v4${pathName} HTTP/1.1\r\nHost: ${url.host}\r\nPrivate-Token: ${token}\r\n` +
          `Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n${body}`,
      );
      setTimeout(() => socket.destroy(), 300);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}
