import { createHash } from 'node:crypto';
import { MANIFEST_MEDIA_TYPES, parseDigest } from '@stowage/oci';
import { UpstreamInvalidResponseError } from './errors';
import { headerValue } from './statuses';
import type { UpstreamResponse } from './transport';

/** As distribution's default: a larger manifest is not a real image manifest. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** Every manifest type we can cache, so an upstream never has to fall back to an older schema. */
export const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');

/** The manifest media type of a response (Content-Type without parameters). */
export function manifestMediaType(upstream: string, response: UpstreamResponse): string {
  const mediaType = headerValue(response.headers['content-type'])?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === undefined || !MANIFEST_MEDIA_TYPES.includes(mediaType)) {
    throw new UpstreamInvalidResponseError(upstream, `not a manifest media type: ${mediaType ?? 'none'}`);
  }
  return mediaType;
}

/** The Docker-Content-Digest header, checked for form; undefined when absent. */
export function contentDigestHeader(upstream: string, response: UpstreamResponse): string | undefined {
  const value = headerValue(response.headers['docker-content-digest'])?.trim();
  if (value === undefined || value === '') return undefined;
  if (parseDigest(value) === null) {
    throw new UpstreamInvalidResponseError(upstream, `invalid Docker-Content-Digest: ${value}`);
  }
  return value;
}

/**
 * The digest of a fetched manifest, after checking its bytes against every digest that names them:
 * the one requested (when the reference is a digest) and Docker-Content-Digest. Each is checked with
 * its own algorithm. Without either, the sha256 of the bytes is the digest.
 */
export function verifiedManifestDigest(
  upstream: string,
  payload: Buffer,
  claims: { requested?: string; header?: string },
): string {
  for (const claim of [claims.requested, claims.header]) {
    if (claim === undefined) continue;
    const parsed = parseDigest(claim);
    const actual = parsed && createHash(parsed.algorithm).update(payload).digest('hex');
    if (!parsed || actual !== parsed.hex) {
      throw new UpstreamInvalidResponseError(upstream, `manifest bytes do not match ${claim}`);
    }
  }
  return claims.requested ?? claims.header ?? `sha256:${createHash('sha256').update(payload).digest('hex')}`;
}
