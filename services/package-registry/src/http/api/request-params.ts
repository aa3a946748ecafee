import express, { type Request, type RequestHandler } from 'express';
import { ApiError, type Params } from '@stowage/http';

/** Settings and rules are a few short fields. */
const BODY_LIMIT = '16kb';

/** JSON or form bodies, as GitLab's API takes them. */
export const parseBody: RequestHandler[] = [
  express.json({ limit: BODY_LIMIT }),
  express.urlencoded({ extended: false, limit: BODY_LIMIT }),
];

/** The request's parameters as Grape merges them: the query string, then the body's fields. */
export function requestParams(req: Request): Params {
  const body: unknown = req.body;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw ApiError.badRequest('the body must be an object of parameters');
  }
  return { ...(req.query as Params), ...((body as Params | undefined) ?? {}) };
}
