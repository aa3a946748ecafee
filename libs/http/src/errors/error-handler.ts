import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
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

/** One format for a whole app, or a choice per request (the gateway serves several protocols). */
export type ErrorFormatChoice = ErrorFormat | ((req: Request) => ErrorFormat);

function formatFor(choice: ErrorFormatChoice, req: Request): ErrorFormat {
  return typeof choice === 'function' ? choice(req) : choice;
}

/**
 * The one place a request's error becomes a response. Client errors (4xx) are logged at info,
 * everything else at error with its stack, once; a 5xx never reveals its cause to the client.
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
    const logId = req.id ?? 'unknown';
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    log?.error('request failed', { error, cause, logId });
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
