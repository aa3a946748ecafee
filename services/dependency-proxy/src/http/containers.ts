import { Router, type Request, type Response } from 'express';
import type { VerifiedToken } from '@stowage/auth';
import { bearerChallenge, OciError } from '@stowage/http';
import { getBlob } from './blobs';
import { getManifest } from './manifests';
import type { ProxyContext } from './proxy-context';
import { parseProxyPath } from './proxy-paths';
import { authorizePull } from './pull-access';
import { listTags } from './tags';

export const DEPENDENCY_PROXY_TOKEN_AUDIENCE = 'dependency_proxy';

/**
 * `/v2/<group>/dependency_proxy/containers/<image>/(manifests|blobs)/<reference>` and `tags/list`,
 * GET and HEAD.
 * Clients authenticate with a registry token as with GitLab: one for the `dependency_proxy`
 * service, or the `container_registry` one docker and skopeo reuse after pinging `/v2/` (both
 * carry auth-token's dependency-proxy decision for these names).
 */
export function containersRouter(options: {
  /** Verifies a bearer token for this service's audiences, revocations included. */
  verify: (token: string) => Promise<VerifiedToken>;
  externalUrl: string;
  /** Absent: every authenticated request gets the OCI 404 (tests of the challenge alone). */
  context?: ProxyContext;
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
      scope: (req) => {
        const route = parseProxyPath(req.originalUrl.replace(/^\/v2/, '').split('?')[0]!);
        return route ? `repository:${route.name}:pull` : undefined;
      },
    }),
  );
  const { context } = options;
  if (context) {
    router.use((req, res, next) => {
      if (!req.path.includes('/dependency_proxy/containers/')) return next();
      pull(context, req, res).then(() => undefined, next);
    });
  }
  return router;
}

async function pull(ctx: ProxyContext, req: Request, res: Response): Promise<void> {
  const route = parseProxyPath(req.path);
  if (!route) throw new OciError('NAME_INVALID', { path: req.path });
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    // A pull-through cache takes no pushes or deletes.
    throw new OciError('UNSUPPORTED', { method: req.method });
  }
  const groupId = await authorizePull(ctx, route, res);
  const settings = await ctx.groups.settings(groupId);
  if (!settings.enabled) {
    throw new OciError('NAME_UNKNOWN', { reason: 'the dependency proxy is turned off for this group' });
  }
  if (route.kind === 'manifests') await getManifest(ctx, route, settings, req, res);
  else if (route.kind === 'blobs') await getBlob(ctx, route, settings, req, res);
  else await listTags(ctx, route, settings, res);
}
