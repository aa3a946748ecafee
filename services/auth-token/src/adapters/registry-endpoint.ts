import { RegistryUnavailableError } from './registry-unavailable';

/** `path` (relative, e.g. `internal/v1/...`) on the registry's base URL, once that is known. */
export function registryEndpoint(registryUrl: () => string | undefined, path: string): string {
  const base = registryUrl();
  if (!base) throw new RegistryUnavailableError('the registry has not started yet');
  return new URL(path, base.endsWith('/') ? base : `${base}/`).href;
}
