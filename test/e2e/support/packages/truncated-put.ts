import { connect } from 'node:net';

/**
 * An upload whose body breaks off: it announces 100,000 bytes, sends `body` (shorter), and the
 * client goes away. What the registry received must be dropped: nothing stored, nothing published.
 * A PUT of JSON by default; `request` names another method or type (twine's multipart POST).
 */
export function truncatedPut(
  base: string,
  pathName: string,
  token: string,
  body: string | Buffer = 'x'.repeat(50_000),
  request: { method?: string; contentType?: string } = {},
): Promise<void> {
  const url = new URL(base);
  const { method = 'PUT', contentType = 'application/json' } = request;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        `${method} /api/v4${pathName} HTTP/1.1\r\nHost: ${url.host}\r\nPrivate-Token: ${token}\r\n` +
          `Content-Type: ${contentType}\r\nContent-Length: 100000\r\n\r\n`,
      );
      socket.write(body);
      setTimeout(() => socket.destroy(), 300);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}
