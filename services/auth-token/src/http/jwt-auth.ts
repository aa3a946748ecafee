import { Router, type Request, type Response } from 'express';
import { signAccessToken } from '@stowage/auth';
import { ApiError } from '@stowage/http';
import type { Credentials } from '../domain/credentials';
import { isRegistryService, registryAccess } from '../domain/decisions/registry-access';
import { ANONYMOUS, actingUser, principalName, type Principal } from '../domain/principal';
import { parseRegistryScopes } from '../domain/registry-scopes';
import { currentRegistryTokenLifetimeSeconds } from '../domain/settings/application-settings';
import type { ApiContext } from './api/api-context';
import { signIn } from './sign-in';

/** GitLab's words, which `docker login` prints after "unauthorized:". */
const ACCESS_DENIED =
  "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped.";

const THROTTLED = 'Too many failed authentication attempts from this address. Retry later.';

/**
 * `Authorization: Basic` credentials; null without any. Other schemes are ignored (anonymous), as
 * GitLab does; a Basic header we cannot read counts as a failed sign-in.
 */
function basicCredentials(req: Request): Credentials | null {
  const match = /^Basic\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'basic', username: '', password: '' };
  return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Docker clients read errors of the token endpoint in the registry's error format. */
function registryError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ code, message }] });
}

/** RFC 3339 without the milliseconds the token's `iat` does not carry either. */
const rfc3339 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * `GET /jwt/auth`: the Docker token service (GitLab's JwtController). The client names the
 * service (`container_registry` or `dependency_proxy`) and the scopes it wants, with Basic
 * credentials or none; the answer is a short-lived RS256 token whose `access` claim holds only
 * what was granted, which the registry then checks offline against `/-/jwks`.
 */
export function jwtAuthRouter(context: ApiContext): Router {
  const router = Router();
  router.get('/jwt/auth', async (req, res) => {
    const service = req.query.service;
    if (!isRegistryService(service)) throw ApiError.notFound();

    let principal: Principal = ANONYMOUS;
    const credentials = basicCredentials(req);
    if (credentials) {
      const result = await signIn(context, req.log, credentials, req.ip ?? 'unknown', 'jwt_auth');
      if (result.outcome === 'throttled') {
        res.setHeader('Retry-After', String(result.retryAfterSeconds));
        return registryError(res, 429, 'TOOMANYREQUESTS', THROTTLED);
      }
      if (result.outcome === 'failed') return registryError(res, 401, 'UNAUTHORIZED', ACCESS_DENIED);
      if (result.outcome === 'signed_in') principal = result.principal;
    }

    const access = await registryAccess(
      context.prisma,
      principal,
      service,
      parseRegistryScopes(req.query.scope),
    );
    const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    // container_registry_token_expire_delay, changeable at run time (GitLab's setting).
    const lifetimeSeconds = await currentRegistryTokenLifetimeSeconds(
      context.prisma,
      context.registryTokenTtlSeconds,
    );
    const token = signAccessToken(await context.signingKey(), {
      issuer: context.issuer,
      subject: principalName(principal),
      audience: service,
      access,
      expiresInSeconds: lifetimeSeconds,
      issuedAt,
      userId: actingUser(principal)?.id,
      credential: principal.kind === 'anonymous' ? undefined : principal.credential,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    res.json({
      token,
      access_token: token,
      expires_in: lifetimeSeconds,
      issued_at: rfc3339(issuedAt),
    });
  });
  return router;
}
