import express, { Router } from 'express';
import { ApiError, cookieValue, requiredString, SESSION_COOKIE, type Params } from '@stowage/http';
import { openSession } from '../domain/sessions/open-session';
import { revokeSession } from '../domain/sessions/revoke-session';
import type { ApiContext } from './api/api-context';
import { presentUser } from './api/presenters/user';
import { audit } from './audit';
import { clearSessionCookies, setSessionCookies } from './session-cookies';
import { signIn } from './sign-in';

/** A sign-in form holds two short strings. */
const BODY_LIMIT = '16kb';

const INVALID_LOGIN = () => new ApiError(401, { message: '401 Invalid login or password.' });

const paramsOf = (body: unknown): Params =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Params) : {};

/**
 * Browser sign-in and sign-out (ADR 0013), as the single-page app calls them with fetch():
 * `POST /users/sign_in` checks a login and password (never a token) under the failed-login
 * throttle and sets the session and CSRF cookies; `POST /users/sign_out` ends the cookie's
 * session. The gateway checks the Origin of both, and the CSRF token of sign-out.
 */
export function browserSessionsRouter(context: ApiContext): Router {
  const router = Router();
  const { prisma, externalUrl } = context;

  router.post(
    '/users/sign_in',
    express.json({ limit: BODY_LIMIT }),
    express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 20 }),
    async (req, res) => {
      const params = paramsOf(req.body);
      const login = requiredString(params, 'login');
      const password = requiredString(params, 'password');
      const source = req.ip ?? 'unknown';
      const result = await signIn(context, req.log, { kind: 'password', login, password }, source, 'web');
      if (result.outcome === 'throttled') {
        res.setHeader('Retry-After', String(result.retryAfterSeconds));
        throw new ApiError(429, { message: '429 Too Many Requests' });
      }
      if (result.outcome !== 'signed_in' || result.principal.kind !== 'user') throw INVALID_LOGIN();
      const { user } = result.principal;
      const session = await openSession(prisma, user.id, {
        ttlSeconds: context.sessionTtlSeconds,
        clientIp: source,
        userAgent: req.get('user-agent'),
      });
      audit(req.log, 'login.succeeded', {
        username: user.username,
        user_id: user.id,
        session_id: session.id,
        source,
        via: 'web',
      });
      setSessionCookies(res, session.token, externalUrl, context.sessionTtlSeconds);
      res.setHeader('Cache-Control', 'no-store');
      res.json(presentUser(user, externalUrl, { full: true }));
    },
  );

  router.post('/users/sign_out', async (req, res) => {
    const token = cookieValue(req.get('cookie'), SESSION_COOKIE);
    const revoked = token === undefined ? null : await revokeSession(prisma, token);
    if (revoked) {
      context.nudgeOutbox();
      audit(req.log, 'session.revoked', {
        user_id: revoked.userId,
        session_id: revoked.id,
        source: req.ip,
        via: 'sign_out',
      });
    }
    clearSessionCookies(res, externalUrl);
    res.status(204).end();
  });

  return router;
}
