import type { Request, RequestHandler } from 'express';
import { DependencyUnavailableError } from '@stowage/errors';
import { OciError } from './errors';

export interface BearerChallengeOptions {
  /** Token endpoint clients are sent to, e.g. `https://host/jwt/auth`. */
  realm: string;
  /** `service` parameter of the challenge: `container_registry` or `dependency_proxy`. */
  service: string;
  /** Verifies a bearer token; resolves with what handlers need, rejects when it is not valid. */
  verify: (token: string) => Promise<unknown>;
  /**
   * The scope the request needs (`repository:<name>:pull`), named in the challenge so clients ask for
   * it; several are space-separated in one parameter, as distribution writes them.
   */
  scope?: (req: Request) => string | undefined;
}

/**
 * Docker token authentication: a request without a valid bearer token gets 401 with a
 * `WWW-Authenticate: Bearer realm=...,service=...` challenge telling the client where to get
 * one (the docker CLI follows it on `docker login` and every push or pull).
 */
export function bearerChallenge(options: BearerChallengeOptions): RequestHandler {
  const base = `Bearer realm="${options.realm}",service="${options.service}"`;
  // Only a refused request needs its scope worked out, not every request that carries a token.
  const challengeFor = (req: Request) => {
    const scope = options.scope?.(req);
    return scope ? `${base},scope="${scope}"` : base;
  };
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      res.setHeader('WWW-Authenticate', challengeFor(req));
      next(new OciError('UNAUTHORIZED'));
      return;
    }
    try {
      // Handlers read the verified token (its `access` claim) from res.locals.registryToken.
      res.locals.registryToken = await options.verify(match[1]!);
      next();
    } catch (error) {
      const reason = (error as { reason?: string }).reason;
      if (reason === 'jwks_unavailable') {
        // The token may well be valid: auth-token, which publishes the keys, is what is down.
        next(
          new DependencyUnavailableError('auth-token', 'signing keys could not be fetched', { cause: error }),
        );
        return;
      }
      req.log.info('registry token rejected', { reason });
      res.setHeader('WWW-Authenticate', `${challengeFor(req)},error="invalid_token"`);
      next(new OciError('UNAUTHORIZED'));
    }
  };
}
