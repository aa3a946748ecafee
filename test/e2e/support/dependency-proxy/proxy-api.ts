import { createHash } from 'node:crypto';
import { basicAuth } from '../identity-world';
import { waitUntil } from '../processes';
import type { RestApi } from '../rest-api';

/**
 * The dependency proxy as a test speaks to it over HTTP through the gateway: the group settings,
 * cached manifests and purge of the management API, and the pull path with a bearer token, for
 * what docker and skopeo do not show (the cache header, the error bodies).
 */

export interface UpstreamSetting {
  name: string;
  url: string;
  username?: string | null;
  password?: string | null;
  prefix?: string | null;
  library_prefix?: boolean;
}

export interface ProxySettings {
  enabled: boolean;
  anonymous_pulls: boolean;
  upstreams: Array<Omit<UpstreamSetting, 'username' | 'password'> & { authenticated: boolean }>;
  ttl_policy: { enabled: boolean; ttl_days: number };
}

export interface CachedManifest {
  id: number;
  image: string;
  tag: string;
  digest: string;
  media_type: string;
  size: number;
  created_at: string;
  read_at: string;
}

/** Every Accept a docker pull sends for a manifest, so the proxy may answer any of the four. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export const CACHE_HEADER = 'x-dependency-proxy-cache';

export function putProxySettings(
  api: RestApi,
  groupId: number,
  settings: Partial<Omit<ProxySettings, 'upstreams'>> & { upstreams?: UpstreamSetting[] },
): Promise<ProxySettings> {
  return api.request<ProxySettings>('PUT', `/groups/${groupId}/dependency_proxy/settings`, 200, settings);
}

export function getProxySettings(api: RestApi, groupId: number): Promise<ProxySettings> {
  return api.request<ProxySettings>('GET', `/groups/${groupId}/dependency_proxy/settings`, 200);
}

/** The group's cached manifests, every page of them. */
export async function cachedManifests(api: RestApi, groupId: number): Promise<CachedManifest[]> {
  const all: CachedManifest[] = [];
  for (let page = 1; ; page += 1) {
    const batch = await api.request<CachedManifest[]>(
      'GET',
      `/groups/${groupId}/dependency_proxy/manifests?per_page=100&page=${page}`,
      200,
    );
    all.push(...batch);
    if (batch.length < 100) return all;
  }
}

/** Asks for a purge (202) and waits until the cleanup-worker has emptied the manifests list. */
export async function purgeAndWait(api: RestApi, groupId: number, timeoutMs = 30_000): Promise<void> {
  await api.request('DELETE', `/groups/${groupId}/dependency_proxy/cache`, 202);
  await waitUntil(async () => ((await cachedManifests(api, groupId)).length === 0 ? true : undefined), {
    timeoutMs,
    intervalMs: 250,
    description: `group ${groupId}'s dependency proxy cache to be purged`,
  });
}

/** `<group>/dependency_proxy/containers/<image>`, the repository name a client pulls. */
export const proxyRepository = (groupPath: string, image: string) =>
  `${groupPath}/dependency_proxy/containers/${image}`;

/** A dependency proxy token for pulling `image` through `groupPath`, asked for with Basic credentials. */
export async function proxyToken(
  base: string,
  /** null: an anonymous token, as docker fetches one when it holds no login for the host. */
  credentials: { username: string; secret: string } | null,
  groupPath: string,
  image: string,
): Promise<string> {
  const query = new URLSearchParams({
    service: 'dependency_proxy',
    scope: `repository:${proxyRepository(groupPath, image)}:pull`,
  });
  const response = await fetch(`${base}/jwt/auth?${query}`, {
    headers: credentials ? { authorization: basicAuth(credentials.username, credentials.secret) } : {},
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /jwt/auth?${query} answered ${response.status}: ${text}`);
  return (JSON.parse(text) as { token: string }).token;
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A request to the proxy's pull path (`/v2/<group>/dependency_proxy/containers/<image>/<rest>`),
 * read to the end. Without a token it goes anonymously.
 */
export async function proxyRequest(
  base: string,
  options: {
    method?: 'GET' | 'HEAD';
    groupPath: string;
    image: string;
    /** `manifests/<ref>` or `blobs/<digest>`. */
    rest: string;
    token?: string;
    timeoutMs?: number;
  },
): Promise<ProxyAnswer> {
  const response = await fetch(
    `${base}/v2/${proxyRepository(options.groupPath, options.image)}/${options.rest}`,
    {
      method: options.method ?? 'GET',
      headers: {
        accept: MANIFEST_ACCEPT,
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    },
  );
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  };
}

/**
 * GETs a blob through the proxy, hashing it as it arrives (a 200 MB layer is never held whole),
 * and returns what arrived with the cache header.
 */
export async function downloadProxyBlob(
  base: string,
  options: { groupPath: string; image: string; digest: string; token: string; timeoutMs: number },
): Promise<{ status: number; digest: string; size: number; cache: string | null }> {
  const response = await fetch(
    `${base}/v2/${proxyRepository(options.groupPath, options.image)}/blobs/${options.digest}`,
    {
      headers: { authorization: `Bearer ${options.token}` },
      signal: AbortSignal.timeout(options.timeoutMs),
    },
  );
  const hash = createHash('sha256');
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      hash.update(chunk);
      size += chunk.length;
    }
  }
  return {
    status: response.status,
    digest: `sha256:${hash.digest('hex')}`,
    size,
    cache: response.headers.get(CACHE_HEADER),
  };
}
