import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { STORED_BODY_OFFER_HEADER } from '@stowage/http';
import { FORWARDED_HEADERS, type ForwardedValues } from './forwarded-headers';

/**
 * Headers that describe one connection, not the message (RFC 9110 section 7.6.1): each hop sets
 * its own. `expect` too: the gateway has already answered the client's 100-continue itself.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

function withoutHopByHop(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  // A Connection header may name further headers that are private to this hop.
  const named = String(headers.connection ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) kept[name] = value;
  }
  return kept;
}

/** The request headers a service receives: the client's, with only the gateway's view of the client. */
export function requestHeadersFor(
  req: IncomingMessage,
  values: ForwardedValues,
  requestId: string,
): OutgoingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  for (const name of FORWARDED_HEADERS) delete headers[name];
  // Only the gateway offers to send stored bodies (the forwarder, when it can read storage).
  delete headers[STORED_BODY_OFFER_HEADER];
  headers['x-forwarded-for'] = values.for;
  headers['x-forwarded-host'] = values.host;
  headers['x-forwarded-proto'] = values.proto;
  headers['x-forwarded-port'] = values.port;
  headers['x-request-id'] = requestId;
  return headers;
}

/**
 * The response headers the client receives. The body is re-framed by this hop (Node chooses
 * chunked or a length), so the service's Transfer-Encoding goes; a Location on the service's own
 * address points back at the origin the client used.
 */
export function responseHeadersFor(
  res: IncomingMessage,
  serviceOrigin: string,
  clientOrigin: string,
): OutgoingHttpHeaders {
  const headers = withoutHopByHop(res.headers);
  delete headers['transfer-encoding'];
  const location = headers.location;
  if (typeof location === 'string' && location.startsWith(serviceOrigin)) {
    headers.location = clientOrigin + location.slice(serviceOrigin.length);
  }
  return headers;
}
