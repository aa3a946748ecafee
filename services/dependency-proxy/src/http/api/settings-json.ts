import type { ProxyGroupSettings } from '@stowage/dependency-proxy-data';

/** The settings as the API shows them: no credential ever leaves, only whether one is set. */
export function settingsJson(settings: ProxyGroupSettings): Record<string, unknown> {
  return {
    enabled: settings.enabled,
    anonymous_pulls: settings.anonymousPulls,
    upstreams: settings.upstreams.map((upstream) => ({
      name: upstream.name,
      url: upstream.url,
      prefix: upstream.prefix,
      library_prefix: upstream.libraryPrefix,
      authenticated: upstream.username !== null || upstream.passwordEncrypted !== null,
    })),
    ttl_policy: { enabled: settings.ttlEnabled, ttl_days: settings.ttlDays },
  };
}
