import type { IncomingHttpHeaders, RequestListener } from 'node:http';
import type { RequestHandler } from 'express';
import { forwardedValues } from './forwarded-headers';
import { requestHeadersFor } from './hop-by-hop';

/**
 * Standalone mode runs every service in the gateway's process, so a second HTTP exchange over
 * loopback would only serialise and parse each request and response again (and copy every layer
 * byte twice more). Instead the gateway gives the client's request and response to the service's
 * app, which reads the body from the client's socket and answers on it: one hop, as in front of
 * CNCF Distribution. The service sees exactly the headers a forwarded request carries (the
 * gateway's view of the client, the request id), so it behaves as it does behind the forwarder;
 * an answer needs no rewriting because the service builds its URLs from those headers.
 */
export function handOffInProcess(
  serviceApp: RequestListener,
  trustForwardedHeaders: boolean,
): RequestHandler {
  return (req, res) => {
    const values = forwardedValues(req, trustForwardedHeaders);
    req.headers = requestHeadersFor(req, values, req.id) as IncomingHttpHeaders;
    serviceApp(req, res);
  };
}
