import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '@stowage/logging';
import './express-augment';

/** Accept a caller's id only if it is short and harmless to echo into logs and headers. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every request an id (kept from the gateway's `X-Request-Id` so one id follows a request
 * across services), a child logger, and one access-log line when the response finishes.
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    // Kept here, not read back from req.log at the end: in standalone mode the gateway hands the
    // same request to a service's app, whose own requestContext replaces req.log, and the
    // gateway's line would otherwise come out under the service's name, twice.
    const log = logger.child({ requestId: req.id });
    req.log = log;
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // At `info` and above the line is off, but winston would still pass it through its streams.
      if (!log.isLevelEnabled('http')) return;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      log.http('request', {
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
      });
    });
    next();
  };
}
