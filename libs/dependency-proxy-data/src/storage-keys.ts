import { parseDigest } from '@stowage/oci';

/**
 * Where the dependency proxy keeps bytes in the shared bucket. Everything is under
 * `dependency-proxy/`; blobs are content-addressed (one object per digest, whichever groups
 * cached it), a fetch in progress writes under a server-made UUID. No key holds a client's name.
 */
export const DEPENDENCY_PROXY_PREFIX = 'dependency-proxy/';

export function proxyBlobKey(digest: string): string {
  const parsed = parseDigest(digest);
  if (!parsed) throw new Error(`not a digest: ${JSON.stringify(digest)}`);
  return `${DEPENDENCY_PROXY_PREFIX}blobs/${parsed.algorithm}/${parsed.hex.slice(0, 2)}/${parsed.hex}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Where an upstream blob streams to until its digest checks out. */
export function fetchKey(fetchId: string): string {
  if (!UUID.test(fetchId)) throw new Error(`not a fetch id: ${JSON.stringify(fetchId)}`);
  return `${DEPENDENCY_PROXY_PREFIX}fetches/${fetchId}`;
}
