import { findGroupSettings, type ProxyDb, type ProxyGroupSettings } from '@stowage/dependency-proxy-data';
import type { SecretBox } from '../ports/secret-box';
import type { UpstreamRegistry } from '../ports/upstream-registry';
import { targetsFor, type ConfiguredUpstream, type UpstreamTarget } from './upstream-targets';

/** Upstream clients kept at most; each holds its tokens, so reusing one saves token requests. */
const MAX_CLIENTS = 500;
/** Groups whose settings are kept at most. */
const MAX_CACHED_SETTINGS = 1000;

export interface ProxyGroupsOptions {
  db: ProxyDb;
  secrets: SecretBox;
  /** The instance's upstream, for groups that name none; null when the operator set none. */
  instanceUpstream: ConfiguredUpstream | null;
  createClient: (upstream: ConfiguredUpstream) => UpstreamRegistry;
  /**
   * How long a group's settings are reused (every pull reads them): a change made through another
   * replica takes effect within this time; one made through this replica at once (forget()).
   */
  settingsTtlMs?: number;
}

const DEFAULT_SETTINGS_TTL_MS = 5000;

/** A group's proxy settings and the upstream clients they call for. */
export class ProxyGroups {
  private readonly clients = new Map<string, UpstreamRegistry>();
  private readonly cached = new Map<number, { settings: Promise<ProxyGroupSettings>; until: number }>();

  constructor(private readonly options: ProxyGroupsOptions) {}

  settings(groupId: number): Promise<ProxyGroupSettings> {
    const now = Date.now();
    const hit = this.cached.get(groupId);
    if (hit && hit.until > now) return hit.settings;
    if (this.cached.size >= MAX_CACHED_SETTINGS) this.cached.clear();
    const settings = findGroupSettings(this.options.db, groupId);
    const until = now + (this.options.settingsTtlMs ?? DEFAULT_SETTINGS_TTL_MS);
    this.cached.set(groupId, { settings, until });
    // A failed read is not kept: the next request asks the database again.
    settings.catch(() => this.forget(groupId));
    return settings;
  }

  /** Drops the group's settings from the cache (they were just changed). */
  forget(groupId: number): void {
    this.cached.delete(groupId);
  }

  /** The group's upstreams with their passwords, in order; the instance's when it has none. */
  upstreamsOf(settings: ProxyGroupSettings): ConfiguredUpstream[] {
    if (settings.upstreams.length === 0) {
      return this.options.instanceUpstream ? [this.options.instanceUpstream] : [];
    }
    return settings.upstreams.map(({ passwordEncrypted, ...upstream }) => ({
      ...upstream,
      password: passwordEncrypted === null ? null : this.options.secrets.decrypt(passwordEncrypted),
    }));
  }

  /** Where to look for `image` (see targetsFor). */
  targets(settings: ProxyGroupSettings, image: string): UpstreamTarget[] {
    return targetsFor(image, this.upstreamsOf(settings), (upstream) => this.clientFor(upstream));
  }

  private clientFor(upstream: ConfiguredUpstream): UpstreamRegistry {
    const key = JSON.stringify([
      upstream.name,
      upstream.url,
      upstream.username,
      upstream.password,
      upstream.libraryPrefix,
    ]);
    let client = this.clients.get(key);
    if (!client) {
      if (this.clients.size >= MAX_CLIENTS) this.clients.clear();
      client = this.options.createClient(upstream);
      this.clients.set(key, client);
    }
    return client;
  }
}
