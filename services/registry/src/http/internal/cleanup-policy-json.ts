import type { StoredCleanupPolicy } from '@stowage/registry-data';

/**
 * GitLab's `container_expiration_policy` on a project, field for field. `name_regex` is the
 * older name of `name_regex_delete` and shows the same pattern.
 */
export function cleanupPolicyJson(policy: StoredCleanupPolicy) {
  return {
    cadence: policy.cadence,
    enabled: policy.enabled,
    keep_n: policy.keepN,
    older_than: policy.olderThan,
    name_regex: policy.nameRegexDelete,
    name_regex_delete: policy.nameRegexDelete,
    name_regex_keep: policy.nameRegexKeep,
    next_run_at: policy.nextRunAt?.toISOString() ?? null,
  };
}
