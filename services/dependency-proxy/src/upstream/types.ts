import type { UpstreamRegistry as UpstreamRegistryPort } from '../ports/upstream-registry';
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

export type { FetchedBlob, FetchedManifest, ManifestHead } from '../ports/upstream-registry';

/** The port, and the connections the client holds. */
export interface UpstreamRegistry extends UpstreamRegistryPort {
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
