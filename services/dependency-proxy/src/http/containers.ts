import { Router } from 'express';
import type { VerifiedToken } from '@stowage/auth';
import { bearerChallenge } from '@stowage/http';

export const DEPENDENCY_PROXY_TOKEN_AUDIENCE = 'dependency_proxy';

/**
 * `/v2/<group>/dependency_proxy/containers/...`: clients authenticate with a token for the
 * `dependency_proxy` service, as with GitLab. Manifest and blob proxying arrive with the
 * dependency proxy issue; until then authenticated requests get the OCI 404.
 */
export function containersRouter(options: {
  /** Verifies a bearer token for this service's audience, revocations included. */
  verify: (token: string) => Promise<VerifiedToken>;
  externalUrl: string;
}): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    next();
  });
  router.use(
    // The lookahead keeps the trailing slash out of the match: Express 5 skips a `use` layer
    // whose matched prefix is not followed by `/`, so `containers\/` would never match.
    /^\/.+\/dependency_proxy\/containers(?=\/)/,
    bearerChallenge({
      realm: `${options.externalUrl.replace(/\/$/, '')}/jwt/auth`,
      service: DEPENDENCY_PROXY_TOKEN_AUDIENCE,
      verify: options.verify,
    }),
  );
  return router;
}
