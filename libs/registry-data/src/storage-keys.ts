import { parseDigest } from '@stowage/oci';

/**
 * Where the registry keeps bytes in the shared bucket. Everything is under `registry/`; blobs
 * are content-addressed (stored once per digest for the whole registry), uploads live under a
 * server-made UUID. No key is built from a client-chosen name.
 */
export const REGISTRY_PREFIX = 'registry/';

export function blobKey(digest: string): string {
  const parsed = parseDigest(digest);
  if (!parsed) throw new Error(`not a digest: ${JSON.stringify(digest)}`);
  return `${REGISTRY_PREFIX}blobs/${parsed.algorithm}/${parsed.hex.slice(0, 2)}/${parsed.hex}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Everything an upload stores (its joined data, its tails) is under this folder. */
export function uploadFolder(uploadId: string): string {
  if (!UUID.test(uploadId)) throw new Error(`not an upload id: ${JSON.stringify(uploadId)}`);
  return `${REGISTRY_PREFIX}uploads/${uploadId}/`;
}

/** The object an upload's parts are joined into before it moves to its digest key. */
export function uploadDataKey(uploadId: string): string {
  return `${uploadFolder(uploadId)}data`;
}

/** The bytes received after the last full part; named by the upload size they end at. */
export function uploadTailKey(uploadId: string, endsAt: number): string {
  return `${uploadFolder(uploadId)}tail-${endsAt}`;
}
