import { callInternalApi } from '@stowage/http';
import type { Logger } from '@stowage/logging';

/** The application settings that bound cleanup-policy runs (GitLab's names in comments). */
export interface CleanupLimits {
  /** container_registry_expiration_policies_worker_capacity: runs in flight at once; 0 stops scheduling. */
  workerCapacity: number;
  /** container_registry_delete_tags_service_timeout: seconds after which a run starts no more batches. */
  deleteTagsTimeoutSeconds: number;
  /** container_registry_cleanup_tags_service_max_list_size: most tags one run deletes. */
  maxListSize: number;
}

/** GitLab's defaults, used until auth-token has answered once. */
export const DEFAULT_CLEANUP_LIMITS: CleanupLimits = {
  workerCapacity: 4,
  deleteTagsTimeoutSeconds: 250,
  maxListSize: 200,
};

export interface CleanupLimitsSource {
  /** The limits as an admin set them, at most a few seconds old. Never rejects. */
  current(): Promise<CleanupLimits>;
}

/** Fixed limits (tests, and a worker that has no auth-token to ask). */
export function fixedCleanupLimits(limits: CleanupLimits): CleanupLimitsSource {
  return { current: async () => limits };
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function limitsOf(body: unknown): CleanupLimits | null {
  const fields = (body ?? {}) as Record<string, unknown>;
  const limits = {
    workerCapacity: fields.container_registry_expiration_policies_worker_capacity,
    deleteTagsTimeoutSeconds: fields.container_registry_delete_tags_service_timeout,
    maxListSize: fields.container_registry_cleanup_tags_service_max_list_size,
  };
  return Object.values(limits).every(isCount) ? (limits as CleanupLimits) : null;
}

/**
 * Asks auth-token's `GET /internal/v1/settings/container-registry-cleanup`, which owns the
 * settings (ADR 0007), and keeps the answer `cacheMs` (default 10 s): an admin's change reaches
 * every replica within that. While auth-token cannot answer, the last answer stays in use
 * (GitLab's defaults before the first), logged once per failure streak.
 */
export function cleanupLimitsClient(options: {
  authTokenUrl: string;
  internalSecret?: string;
  logger: Logger;
  cacheMs?: number;
  timeoutMs?: number;
}): CleanupLimitsSource {
  const endpoint = new URL(
    'internal/v1/settings/container-registry-cleanup',
    `${options.authTokenUrl.replace(/\/$/, '')}/`,
  ).href;
  const cacheMs = options.cacheMs ?? 10_000;
  let known = DEFAULT_CLEANUP_LIMITS;
  let fetchedAt = -Infinity;
  let failing = false;

  async function refresh(): Promise<void> {
    try {
      const answer = await callInternalApi(endpoint, undefined, {
        method: 'GET',
        secret: options.internalSecret,
        timeoutMs: options.timeoutMs ?? 5_000,
      });
      const limits = answer.status === 200 ? limitsOf(answer.body) : null;
      if (!limits) throw new Error(`auth-token answered ${answer.status} outside the contract`);
      known = limits;
      failing = false;
    } catch (error) {
      if (!failing) {
        options.logger.warn('cleanup limits unavailable from auth-token; keeping the last known ones', {
          error: error instanceof Error ? error.message : String(error),
          limits: known,
        });
      }
      failing = true;
    }
    // A failure is retried after the same interval, not at every job.
    fetchedAt = Date.now();
  }

  return {
    async current() {
      if (Date.now() - fetchedAt >= cacheMs) await refresh();
      return known;
    },
  };
}
