import type { IncomingMessage } from 'node:http';

/** True when the request carries a body, received yet or not. */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * True when the request has a body that has not been received in full. (`complete` alone is not
 * the test: Node sets it only after the handler started, even for a request with no body at all.)
 */
export function bodyLeftUnread(req: IncomingMessage): boolean {
  return hasBody(req) && !req.complete;
}

/**
 * True when a handler started reading the body and stopped half-way. Node drains a body nobody
 * began to read once the answer is sent, so that connection stays usable; a body left half-read
 * stays on the wire, and the connection cannot carry another request.
 */
export function bodyAbandoned(req: IncomingMessage): boolean {
  return bodyLeftUnread(req) && req.readableFlowing !== null;
}
