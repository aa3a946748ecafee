import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** One upstream registry as a group (or the instance) configured it. */
export interface UpstreamSettings {
  /** Names the upstream in logs, metrics and errors. */
  name: string;
  /** Base URL; `/v2/...` is appended (a path prefix is kept). */
  url: string;
  username: string | null;
  password: string | null;
}

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
  /** Closes the connections of the registry's own dispatcher (not of one passed in options). */
  close(): Promise<void>;
}

/** One HTTP request made to an upstream, for the "upstream requests by method and upstream" metric. */
export interface UpstreamRequestEvent {
  upstream: string;
  /** `HEAD`, `GET`, or `TOKEN` for a request to the upstream's token realm. */
  method: string;
  /** The status (`200`, `307`, `404`...) or `error` when no response came. */
  outcome: string;
}

export interface UpstreamOptions {
  observe?: (event: UpstreamRequestEvent) => void;
  /** Default 5 s. Ignored when `dispatcher` is given (the dispatcher's own applies). */
  connectTimeoutMs?: number;
  /** Longest wait for response headers and between two chunks of a body; default 30 s. */
  idleTimeoutMs?: number;
  /** Shares connections between registries; by default each registry has its own pool. */
  dispatcher?: Dispatcher;
}
