import type { Readable } from 'node:stream';

/**
 * The proxy's view of one upstream OCI registry (implemented in `upstream/`). Every method
 * resolves null when the upstream answers 404 and rejects when it cannot answer: unreachable,
 * 5xx or 429 as a DependencyUnavailableError, anything unusable as another error.
 */

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface FetchedManifest extends ManifestHead {
  /** The bytes as the upstream sent them: a manifest is never rewritten, or its digest would change. */
  payload: Buffer;
}

export interface FetchedBlob {
  /** From Content-Length, when the upstream sent one. */
  size: number | null;
  /**
   * The blob's bytes. The caller must consume or destroy it, or the connection stays open. It
   * errors (and never ends cleanly) when the upstream breaks off, idles too long, or sends bytes
   * that do not hash to the requested digest or do not add up to Content-Length.
   */
  body: Readable;
}

export interface UpstreamRegistry {
  readonly name: string;
  /**
   * HEAD the manifest (a HEAD does not count against Docker Hub's pull limit); null on 404.
   * Throws UpstreamInvalidResponseError when the answer lacks Docker-Content-Digest, since without
   * it a HEAD says nothing: the caller then falls back to getManifest.
   */
  headManifest(image: string, reference: string, signal?: AbortSignal): Promise<ManifestHead | null>;
  /**
   * GET the manifest; its bytes are checked against the requested digest and against
   * Docker-Content-Digest; null on 404.
   */
  getManifest(image: string, reference: string, signal?: AbortSignal): Promise<FetchedManifest | null>;
  /** GET a blob as a stream (following redirects); null on 404. */
  getBlob(image: string, digest: string, signal?: AbortSignal): Promise<FetchedBlob | null>;
}
