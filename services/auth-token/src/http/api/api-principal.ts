import type { Request, RequestHandler, Response } from 'express';
import { ApiError, sessionTokenOf } from '@stowage/http';
import type { User } from '../../generated/prisma/client';
import type { Credentials } from '../../domain/credentials';
import { ANONYMOUS, type Principal } from '../../domain/principal';
import { audit } from '../audit';
import { signIn } from '../sign-in';
import type { ApiContext } from './api-context';

/**
 * The credentials GitLab's REST API takes: a PAT as header, query parameter or bearer token, and
 * last the browser's session cookie (only without any token header; ADR 0013).
 */
function apiCredentials(req: Request): Credentials | null | 'unsupported' {
  const header = req.get('private-token');
  if (header) return { kind: 'private_token', token: header };
  const query = req.query.private_token;
  if (typeof query === 'string' && query) return { kind: 'private_token', token: query };
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  if (bearer) return { kind: 'bearer', token: bearer[1]! };
  // Job and deploy tokens only reach the package and registry APIs, never the identity API.
  if (req.get('job-token') || req.get('deploy-token') || req.query.job_token) return 'unsupported';
  const session = sessionTokenOf(req.headers);
  return session === undefined ? null : { kind: 'session', token: session };
}

const READ_METHODS = new Set(['GET', 'HEAD']);
const USER_PATHS = /^\/(user|users)(\/|$)/;

/** Whether a token's scopes allow this request. */
function scopesAllow(req: Request, scopes: readonly string[]): boolean {
  if (scopes.includes('api')) return true;
  if (!READ_METHODS.has(req.method)) return false;
  if (scopes.includes('read_api')) return true;
  return scopes.includes('read_user') && USER_PATHS.test(req.path);
}

/**
 * Resolves the caller of every `/api/v4` request into `res.locals.principal` (anonymous without
 * credentials). Bad credentials get 401 and count toward the source's failed-login limit.
 */
export function apiAuthentication(context: ApiContext): RequestHandler {
  return async (req, res, next) => {
    const credentials = apiCredentials(req);
    if (credentials === null) {
      res.locals.principal = ANONYMOUS;
      return next();
    }
    const source = req.ip ?? 'unknown';
    // Job and deploy tokens never reach this API: tried here, they fail like a wrong token.
    const usable = credentials === 'unsupported' ? null : credentials;
    const result = await signIn(context, req.log, usable, source, 'api');
    if (result.outcome === 'throttled') {
      res.setHeader('Retry-After', String(result.retryAfterSeconds));
      throw new ApiError(429, { message: 'Retry later' });
    }
    if (result.outcome === 'anonymous') {
      res.locals.principal = ANONYMOUS;
      return next();
    }
    const principal = result.outcome === 'signed_in' ? result.principal : null;
    // A browser session has the user's full rights, as a password does; a plain password never
    // reaches this API (apiCredentials reads no Basic header).
    if (!principal || principal.kind !== 'user' || (principal.scopes === null && !isSession(principal))) {
      if (principal) {
        await context.throttle.recordFailure(source);
        audit(req.log, 'token.rejected', { source, path: req.path, kind: principal.kind });
      }
      throw ApiError.unauthorized();
    }
    if (principal.scopes !== null && !scopesAllow(req, principal.scopes)) {
      throw new ApiError(403, {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: READ_METHODS.has(req.method) ? 'api read_api' : 'api',
      });
    }
    res.locals.principal = principal;
    next();
  };
}

const isSession = (principal: Principal & { kind: 'user' }) => principal.credential.startsWith('session:');

export function principalOf(res: Response): Principal {
  return (res.locals.principal as Principal | undefined) ?? ANONYMOUS;
}

/** The signed-in user, if any. */
export function currentUser(res: Response): User | undefined {
  const principal = principalOf(res);
  return principal.kind === 'user' ? principal.user : undefined;
}

/** The signed-in user, or 401. */
export function requireUser(res: Response): User {
  const user = currentUser(res);
  if (!user) throw ApiError.unauthorized();
  return user;
}

/** The signed-in admin, or 401/403. */
export function requireAdmin(res: Response): User {
  const user = requireUser(res);
  if (!user.admin) throw ApiError.forbidden();
  return user;
}
