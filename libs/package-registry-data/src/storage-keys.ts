/**
 * Where the package registry keeps bytes in the shared bucket. Everything is under `packages/`;
 * files are content-addressed by SHA-256 (one object however many packages hold the same bytes),
 * uploads in progress write under a server-made UUID. No key holds a client's name.
 */
export const PACKAGES_PREFIX = 'packages/';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function packageFileKey(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${JSON.stringify(sha256)}`);
  return `${PACKAGES_PREFIX}files/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** Where an upload streams to until it is hashed, checked and accepted. */
export function packageUploadKey(uploadId: string): string {
  if (!UUID.test(uploadId)) throw new Error(`not an upload id: ${JSON.stringify(uploadId)}`);
  return `${PACKAGES_PREFIX}uploads/${uploadId}`;
}

export const PACKAGE_UPLOADS_PREFIX = `${PACKAGES_PREFIX}uploads/`;
