import type { Readable } from 'node:stream';

/** What the proxy knows of a manifest without its bytes (an upstream HEAD). */
export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface FetchedManifest extends ManifestHead {
  /** The exact bytes served, already checked against the digest. */
  payload: Buffer;
}

export interface FetchedBlob {
  /** From Content-Length; null when the upstream did not say. */
  size: number | null;
  /** Must be consumed or destroyed; errors (not ends) when the upstream breaks off. */
  body: Readable;
}

/**
 * One upstream OCI registry, as the proxy uses it (implemented in `upstream/`). Every method
 * resolves null when the upstream answers 404 and rejects when it cannot answer (unreachable,
 * 5xx, 429: a DependencyUnavailableError) or answers something unusable.
 */
export interface UpstreamRegistry {
  /** The upstream's name in the group's settings, for logs and metrics. */
  readonly name: string;
  /** HEAD the manifest: Docker Hub does not count a HEAD against its pull limit, a GET it does. */
  headManifest(image: string, reference: string, signal?: AbortSignal): Promise<ManifestHead | null>;
  /** GET the manifest. */
  getManifest(image: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest | null>;
  /** GET a blob as a stream. */
  getBlob(image: string, digest: string, signal?: AbortSignal): Promise<FetchedBlob | null>;
}
