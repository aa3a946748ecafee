import { MANIFEST_MEDIA_TYPES } from './media-types';

/**
 * Whether a client that sent `accept` can read a manifest of `mediaType`. A client that names
 * manifest types but not this one (an old client and an OCI index, say) cannot, and gets
 * MANIFEST_UNKNOWN, as from distribution; one that names none takes anything.
 */
export function acceptsManifest(accept: string | undefined, mediaType: string): boolean {
  if (!accept) return true;
  const types = accept.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  if (types.includes(mediaType) || types.includes('*/*')) return true;
  return !types.some((type) => MANIFEST_MEDIA_TYPES.includes(type));
}

/** The Accept header a registry client sends to get any manifest as it was pushed. */
export const ACCEPT_ANY_MANIFEST = MANIFEST_MEDIA_TYPES.join(', ');
