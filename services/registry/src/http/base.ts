import { Router, type Request } from 'express';
import type { VerifiedToken } from '@stowage/auth';
import { bearerChallenge } from '@stowage/http';

export const REGISTRY_TOKEN_AUDIENCE = 'container_registry';

/**
 * The `/v2/` API root. Every response says which API it speaks; every request needs a registry
 * token, and `GET /v2/` with a valid one is the check clients make before pushing or pulling.
 */
export function registryBaseRouter(options: {
  /** Verifies a bearer token for this service's audience, revocations included. */
  verify: (token: string) => Promise<VerifiedToken>;
  externalUrl: string;
  /** The scopes a request needs, named in its challenge (a mount's depend on its query). */
  scope?: (path: string, method: string, query: Request['query']) => string | undefined;
}): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    next();
  });
  router.use(
    bearerChallenge({
      realm: `${options.externalUrl.replace(/\/$/, '')}/jwt/auth`,
      service: REGISTRY_TOKEN_AUDIENCE,
      verify: options.verify,
      scope: options.scope && ((req) => options.scope!(req.path, req.method, req.query)),
    }),
  );
  router.get('/', (_req, res) => {
    res.json({});
  });
  return router;
}
