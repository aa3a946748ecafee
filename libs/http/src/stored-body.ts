import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/**
 * The gateway can send a body from the shared blob storage itself, as GitLab Workhorse sends
 * files for Rails: a service that is asked for a stored object (a layer, say) answers with its
 * status and headers and names the object instead of streaming it, and the gateway reads it from
 * storage straight onto the client's connection. Every download then crosses one process instead
 * of two, without the service giving up any decision: it has already authorised the request,
 * found the object and chosen the range.
 *
 * The gateway offers this per request (a client cannot: the gateway replaces the header), so a
 * service called directly, or by a gateway that cannot read storage, streams the body as before.
 */
export const STORED_BODY_OFFER_HEADER = 'x-stowage-sends-stored-bodies';

/** The service's answer: which stored object, and which bytes of it, make the body. */
export const STORED_BODY_HEADER = 'x-stowage-stored-body';

export interface StoredBody {
  /** The blob storage key (validated by the store, so it cannot leave its prefix). */
  key: string;
  /** First byte of the object to send. */
  start: number;
  /** How many bytes from `start`: the Content-Length the client sees. */
  length: number;
}

/** True when the gateway in front of this request sends stored bodies itself. */
export function gatewaySendsStoredBodies(req: IncomingMessage): boolean {
  return req.headers[STORED_BODY_OFFER_HEADER] === '1';
}

/** Ends `res` with no body and the stored object the gateway is to send in its place. */
export function answerWithStoredBody(res: ServerResponse, body: StoredBody): void {
  const instruction = new URLSearchParams({
    key: body.key,
    start: String(body.start),
    length: String(body.length),
  });
  res.setHeader(STORED_BODY_HEADER, instruction.toString());
  // The bytes the client gets come from the gateway; this hop carries none.
  res.setHeader('Content-Length', '0');
  res.end();
}

/** The stored body a service's answer names, or undefined; throws on a malformed instruction. */
export function storedBodyOf(headers: IncomingHttpHeaders): StoredBody | undefined {
  const value = headers[STORED_BODY_HEADER];
  if (value === undefined) return undefined;
  const instruction = new URLSearchParams(String(value));
  const key = instruction.get('key');
  const start = Number(instruction.get('start'));
  const length = Number(instruction.get('length'));
  if (!key || !Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new Error(`malformed ${STORED_BODY_HEADER} instruction: ${String(value)}`);
  }
  return { key, start, length };
}
