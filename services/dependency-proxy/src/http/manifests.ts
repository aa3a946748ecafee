import type { Request, Response } from 'express';
import { OciError } from '@stowage/http';
import { acceptsManifest, parseManifestReference } from '@stowage/oci';
import type { ProxyGroupSettings } from '@stowage/dependency-proxy-data';
import { CACHE_HEADER, type ProxyContext } from './proxy-context';
import type { ProxyRoute } from './proxy-paths';

/** `GET|HEAD .../dependency_proxy/containers/<image>/manifests/<tag or digest>` */
export async function getManifest(
  ctx: ProxyContext,
  route: ProxyRoute,
  settings: ProxyGroupSettings,
  req: Request,
  res: Response,
): Promise<void> {
  const reference = parseManifestReference(route.reference);
  // Neither a tag nor a digest names nothing upstream either: 404, as distribution answers.
  if (!reference) throw new OciError('MANIFEST_UNKNOWN', { reference: route.reference });
  const targets = ctx.groups.targets(settings, route.image);
  if (targets.length === 0)
    throw new OciError('NAME_UNKNOWN', { reason: 'no upstream registry is configured' });

  const manifest = await ctx.manifests.resolve({
    groupId: settings.groupId,
    image: route.image,
    reference,
    targets,
  });
  if (!manifest) throw new OciError('MANIFEST_UNKNOWN', reference);
  ctx.metrics.served('manifest', manifest.cache);
  if (!acceptsManifest(req.get('accept'), manifest.mediaType)) {
    throw new OciError('MANIFEST_UNKNOWN', { reason: `${manifest.mediaType} is not in the Accept header` });
  }
  res.setHeader(CACHE_HEADER, manifest.cache);
  res.setHeader('Content-Type', manifest.mediaType);
  res.setHeader('Docker-Content-Digest', manifest.digest);
  res.setHeader('ETag', `"${manifest.digest}"`);
  res.setHeader('Content-Length', String(manifest.payload.length));
  res.status(200);
  if (req.method === 'HEAD') res.end();
  else res.end(manifest.payload);
}
