import type { Request, RequestHandler, Response } from 'express';
import { OciError } from '@stowage/http';
import { deleteBlob, getBlob } from './blobs';
import { getReferrers, listCatalog, listTags } from './discovery';
import { toOciError } from './domain-errors';
import { getManifest, putManifest, removeManifest } from './manifests';
import {
  CATALOG_SCOPE,
  challengeScope,
  requireCatalogAccess,
  requireRepositoryAccess,
  type RepositoryAction,
} from './registry-access';
import type { RegistryContext } from './registry-context';
import { checkName } from './repository-lookup';
import {
  appendChunk,
  cancelUpload,
  completeUpload,
  mountSourceOf,
  startUpload,
  uploadStatus,
} from './uploads';
import { parseV2Route, type V2Route } from './v2-routes';

type Handler = (ctx: RegistryContext, req: Request, res: Response) => Promise<void>;

/** Each route's handler per method, with the repository action it needs. */
function handlerFor(route: V2Route, method: string): [RepositoryAction, Handler] | null {
  const read = method === 'GET' || method === 'HEAD';
  switch (route.kind) {
    case 'catalog':
      return null;
    case 'tags':
      return read ? ['pull', (ctx, req, res) => listTags(ctx, route.name, req, res)] : null;
    case 'referrers':
      return read ? ['pull', (ctx, req, res) => getReferrers(ctx, route.name, route.digest, req, res)] : null;
    case 'manifest':
      if (read) return ['pull', (ctx, req, res) => getManifest(ctx, route.name, route.reference, req, res)];
      if (method === 'PUT')
        return ['push', (ctx, req, res) => putManifest(ctx, route.name, route.reference, req, res)];
      if (method === 'DELETE')
        return ['delete', (ctx, _req, res) => removeManifest(ctx, route.name, route.reference, res)];
      return null;
    case 'blob':
      if (read) return ['pull', (ctx, req, res) => getBlob(ctx, route.name, route.digest, req, res)];
      if (method === 'DELETE')
        return ['delete', (ctx, _req, res) => deleteBlob(ctx, route.name, route.digest, res)];
      return null;
    case 'uploads':
      return method === 'POST' ? ['push', (ctx, req, res) => startUpload(ctx, route.name, req, res)] : null;
    case 'upload':
      if (method === 'GET')
        return ['push', (ctx, _req, res) => uploadStatus(ctx, route.name, route.uploadId, res)];
      if (method === 'PATCH')
        return ['push', (ctx, req, res) => appendChunk(ctx, route.name, route.uploadId, req, res)];
      if (method === 'PUT')
        return ['push', (ctx, req, res) => completeUpload(ctx, route.name, route.uploadId, req, res)];
      if (method === 'DELETE')
        return ['push', (ctx, _req, res) => cancelUpload(ctx, route.name, route.uploadId, res)];
      return null;
  }
}

/** The source of a cross-repository mount, when the request is one (see `challengeScope`). */
function mountFromOf(route: V2Route, method: string, query: Request['query']): string | null {
  return route.kind === 'uploads' && method === 'POST' ? mountSourceOf(query) : null;
}

/** The scopes a request needs, for the challenge of a request that has no valid token. */
export function scopeOfRequest(path: string, method: string, query: Request['query']): string | undefined {
  const route = parseV2Route(path);
  if (!route) return undefined;
  if (route.kind === 'catalog') return CATALOG_SCOPE;
  const handler = handlerFor(route, method);
  return handler ? challengeScope(route.name, handler[0], mountFromOf(route, method, query)) : undefined;
}

/**
 * The OCI Distribution endpoints below `/v2` (after the base router has verified the token).
 * Every request is checked against the token's `access` claim before any handler runs.
 */
export function v2Api(ctx: RegistryContext): RequestHandler {
  return async (req, res, next) => {
    const route = parseV2Route(req.path);
    if (!route) return next();
    try {
      if (route.kind === 'catalog') {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new OciError('UNSUPPORTED');
        requireCatalogAccess(res, ctx.realm);
        return await listCatalog(ctx, req, res);
      }
      checkName(route.name);
      const handler = handlerFor(route, req.method);
      if (!handler) throw new OciError('UNSUPPORTED', { method: req.method });
      const [action, handle] = handler;
      requireRepositoryAccess(res, ctx.realm, route.name, action, mountFromOf(route, req.method, req.query));
      await handle(ctx, req, res);
    } catch (error) {
      next(toOciError(error));
    }
  };
}
