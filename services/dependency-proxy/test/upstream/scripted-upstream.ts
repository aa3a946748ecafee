import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { startTestServer, type TestServer } from './http-server';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export function digestOf(content: Buffer | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** A manifest-shaped document; the client never parses it, only hashes it. */
export const MANIFEST = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {}, layers: [] }),
);
export const BLOB = Buffer.from('layer bytes '.repeat(1000));

export interface RegistryPath {
  image: string;
  kind: 'manifests' | 'blobs';
  reference: string;
}

/** `/v2/<image>/(manifests|blobs)/<reference>`, or null for any other path. */
export function registryPath(req: Request): RegistryPath | null {
  const match = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(req.path);
  if (!match) return null;
  return { image: match[1]!, kind: match[2] as RegistryPath['kind'], reference: match[3]! };
}

/** Answers as a registry would for MANIFEST (any tag or its digest) and BLOB; 404 for anything else. */
export function serveContent(req: Request, res: Response, path: RegistryPath): void {
  if (path.kind === 'manifests' && (path.reference === digestOf(MANIFEST) || !path.reference.includes(':'))) {
    res.set({ 'content-type': OCI_MANIFEST, 'docker-content-digest': digestOf(MANIFEST) });
    res.send(MANIFEST);
  } else if (path.kind === 'blobs' && path.reference === digestOf(BLOB)) {
    res.set('content-type', 'application/octet-stream').send(BLOB);
  } else {
    res.status(404).json({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'unknown' }] });
  }
}

export type { TestServer };
export { startTestServer };
