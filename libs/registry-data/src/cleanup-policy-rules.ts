import type { CleanupPolicy } from './cleanup-policy';
import { parseOlderThan } from './older-than';
import type { TagCleanupRules } from './tag-cleanup-rules';
import { compileTagNamePattern } from './tag-name-pattern';

const NOTHING = () => false;

/**
 * The tag rules a policy stands for at `now`, for selectTagsToDelete (tag-cleanup-rules.ts, which
 * bulk deletion shares). A policy without a delete pattern deletes nothing, as GitLab's
 * `\A\z` does; ages are measured from `now`, which the run fixes once so a retried run selects
 * the same tags.
 */
export function cleanupRulesOfPolicy(
  policy: Pick<CleanupPolicy, 'keepN' | 'olderThan' | 'nameRegexDelete' | 'nameRegexKeep'>,
  now: Date,
): TagCleanupRules {
  const age = policy.olderThan === null ? null : parseOlderThan(policy.olderThan);
  return {
    deletes: policy.nameRegexDelete === null ? NOTHING : compileTagNamePattern(policy.nameRegexDelete),
    keeps: policy.nameRegexKeep === null ? NOTHING : compileTagNamePattern(policy.nameRegexKeep),
    keepN: policy.keepN,
    olderThan: age === null ? null : new Date(now.getTime() - age),
  };
}
