import { createHash } from 'node:crypto';
import { cacheManifest, type PrismaClient } from '@stowage/dependency-proxy-data';
import { MEDIA_TYPES } from '@stowage/oci';

/** Manifests cached as the proxy caches what an upstream serves, with made-up blob digests. */

export const digestOfText = (text: string): string =>
  `sha256:${createHash('sha256').update(text).digest('hex')}`;

const descriptor = (mediaType: string, size: number, seed: string) => ({
  mediaType,
  digest: digestOfText(seed),
  size,
});

export type CachedImageSpec =
  | { config: number; layers: number[] }
  | { children: { digest: string; platform: { os: string; architecture: string } }[] };

/**
 * Caches an image manifest (config and layer sizes) or an index (its children) for the group,
 * under the tag, or under its own digest when `tag` is null (a pull by digest).
 */
export async function cacheUpstreamManifest(
  prisma: PrismaClient,
  groupId: number,
  image: string,
  tag: string | null,
  spec: CachedImageSpec,
): Promise<{ digest: string; size: number }> {
  const body =
    'children' in spec
      ? {
          schemaVersion: 2,
          mediaType: MEDIA_TYPES.ociIndex,
          manifests: spec.children.map((child) => ({
            mediaType: MEDIA_TYPES.ociManifest,
            digest: child.digest,
            size: 500,
            platform: child.platform,
          })),
        }
      : {
          schemaVersion: 2,
          mediaType: MEDIA_TYPES.ociManifest,
          config: descriptor('application/vnd.oci.image.config.v1+json', spec.config, `${image} config`),
          layers: spec.layers.map((size, n) =>
            descriptor('application/vnd.oci.image.layer.v1.tar+gzip', size, `${image} layer ${n} ${size}`),
          ),
        };
  const payload = Buffer.from(JSON.stringify(body));
  const digest = digestOfText(payload.toString('utf8'));
  await cacheManifest(prisma, {
    groupId,
    image,
    reference: tag ?? digest,
    digest,
    mediaType: body.mediaType,
    payload,
    upstream: 'default',
  });
  return { digest, size: payload.length };
}
