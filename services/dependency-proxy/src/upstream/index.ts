export { createUpstreamRegistry } from './upstream-registry';
export { createUpstreamDispatcher, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS } from './transport';
export { MAX_MANIFEST_BYTES, MANIFEST_ACCEPT } from './manifest-checks';
export { UpstreamAuthError, UpstreamInvalidResponseError, UpstreamUnavailableError } from './errors';
export { parseWwwAuthenticate, type Challenge } from './www-authenticate';
export type {
  FetchedBlob,
  FetchedManifest,
  ManifestHead,
  UpstreamOptions,
  UpstreamRegistry,
  UpstreamRequestEvent,
  UpstreamSettings,
} from './types';
