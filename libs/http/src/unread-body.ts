import type { IncomingMessage } from 'node:http';

/**
 * True when the request has a body that has not been received in full. Such a connection cannot
 * carry another request: the rest of the body is still on the wire. (`complete` alone is not the
 * test: Node sets it only after the handler started, even for a request with no body at all.)
 */
export function bodyLeftUnread(req: IncomingMessage): boolean {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return hasBody && !req.complete;
}
