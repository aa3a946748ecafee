import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { DependencyUnavailableError, unavailableCause } from '@stowage/errors';
import { bodyAbandoned } from '../unread-body';
import type { ErrorFormat } from './error-format';
import '../express-augment';

/** Errors raised by Express and body-parser carry a client status and a safe message. */
interface FrameworkClientError {
  status: number;
  expose: boolean;
  message: string;
}

function isFrameworkClientError(error: unknown): error is FrameworkClientError {
  const e = error as Partial<FrameworkClientError> | null;
  return !!e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true;
}

/**
 * Headers a handler may have set for the content it meant to send; an error answer that kept them
 * would describe a blob (`application/octet-stream`, its length and digest) and carry JSON.
 * Content-Range stays: a 416 tells the size with `bytes *\/size`.
 */
const REPRESENTATION_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-disposition',
  'etag',
  'last-modified',
  'docker-content-digest',
];

/** One format for a whole app, or a choice per request (the gateway serves several protocols). */
export type ErrorFormatChoice = ErrorFormat | ((req: Request) => ErrorFormat);

function formatFor(choice: ErrorFormatChoice, req: Request): ErrorFormat {
  return typeof choice === 'function' ? choice(req) : choice;
}

/**
 * The one place a request's error becomes a response. Client errors (4xx) are logged at info; an
 * outage of a dependency (a DependencyUnavailableError anywhere in the cause chain) at warn and
 * answered 503 with Retry-After in the protocol's words; everything else at error with its stack,
 * once. A 5xx never reveals its cause to the client.
 */
export function errorHandler(choice: ErrorFormatChoice): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const log = req.log;
    const format = formatFor(choice, req);
    if (res.headersSent) {
      // Mid-stream failure: the status is gone, so cut the connection rather than send a lie.
      log?.error('response failed after headers were sent', { error });
      res.destroy();
      return;
    }
    for (const name of REPRESENTATION_HEADERS) res.removeHeader(name);
    // The rest of the body stays on the wire: this connection cannot carry another request (the
    // gateway's pooled socket least of all), so it ends with this answer.
    if (bodyAbandoned(req)) res.setHeader('Connection', 'close');
    const logId = req.id ?? 'unknown';
    const outage = unavailableCause(error);
    if (outage) {
      log?.warn('dependency unavailable', { dependency: outage.dependency, error, logId });
      res.setHeader('Retry-After', String(outage.retryAfterSeconds));
      res.status(503).json(format.unavailable());
      return;
    }
    const known = format.describe(error);
    if (known && known.status < 500) {
      log?.info('client error', { status: known.status, error: (error as Error).message });
      res.status(known.status).json(known.body);
      return;
    }
    if (!known && isFrameworkClientError(error)) {
      log?.info('client error', { status: error.status, error: error.message });
      res.status(error.status).json(format.clientError(error.status, error.message));
      return;
    }
    log?.error('request failed', { error, logId });
    if (known?.status === 503 && !res.hasHeader('Retry-After')) {
      res.setHeader('Retry-After', String(DependencyUnavailableError.DEFAULT_RETRY_AFTER_SECONDS));
    }
    if (known) res.status(known.status).json(known.body);
    else res.status(500).json(format.serverError(logId));
  };
}

/** Answers routes nobody handles in the protocol's own format. */
export function notFoundHandler(choice: ErrorFormatChoice, message = 'Not Found'): RequestHandler {
  return (req, res) => {
    res.status(404).json(formatFor(choice, req).clientError(404, message));
  };
}
