import http from 'node:http';
import type { Reply, Route } from './recording-server';

/**
 * A route that passes each request on to `target` (an HTTP origin) unchanged, Host header
 * included, so a recording server in front of a real registry shows what a client sends while
 * the registry still answers, with URLs that point back at the recorder.
 */
export function forwardingRoute(target: string): Route {
  const origin = new URL(target);
  return (request) =>
    new Promise<Reply>((resolve, reject) => {
      const outgoing = http.request(
        {
          host: origin.hostname,
          port: origin.port,
          method: request.method,
          path: request.path,
          headers: request.headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) {
              // The recorder sets its own framing for the whole body it read.
              if (value === undefined || name === 'transfer-encoding' || name === 'content-length') continue;
              if (name === 'connection' || name === 'keep-alive') continue;
              headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: response.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
}
