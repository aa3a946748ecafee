/**
 * Which tags a bulk deletion or a cleanup-policy run removes, in the order GitLab's
 * CleanupTagsService applies its rules: never `latest`; only names the delete pattern matches;
 * not those the keep pattern matches; not tags without a manifest; of the rest, ordered newest
 * first, the `keep_n` newest stay and then those newer than the cut-off. Patterns are compiled
 * by the caller (with RE2, so a client's pattern never reaches a backtracking engine) and match
 * whole names.
 */

/** GitLab never deletes this tag in bulk. */
export const PROTECTED_TAG = 'latest';

export interface TagCandidate {
  name: string;
  createdAt: Date;
  /** When the tag last moved to a manifest (its creation when it never did): its age for the rules. */
  updatedAt: Date;
  /**
   * False for a tag whose manifest is gone (GitLab skips tags it cannot resolve to a digest).
   * The metadata database cannot hold such a tag, so only other sources set it; absent: true.
   */
  hasManifest?: boolean;
}

export interface TagCleanupRules {
  deletes(name: string): boolean;
  keeps(name: string): boolean;
  /** Matching tags to keep, newest first; null keeps none. */
  keepN: number | null;
  /** Only tags last pushed before this are deleted; null: any age. */
  olderThan: Date | null;
}

/**
 * The source of a pattern that matches whole names only. The caller compiles the bare pattern
 * first: one that does not compile alone (`a)|(b`) must be refused, not smuggled past the anchors.
 */
export function anchorTagPattern(source: string): string {
  return `\\A(?:${source})\\z`;
}

/** Newest first; equal times fall back to the name, so a run is reproducible. */
function newestFirst(a: TagCandidate, b: TagCandidate): number {
  const byTime = b.updatedAt.getTime() - a.updatedAt.getTime();
  if (byTime !== 0) return byTime;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

export function selectTagsToDelete<T extends TagCandidate>(tags: readonly T[], rules: TagCleanupRules): T[] {
  const matching = tags
    .filter((tag) => tag.name !== PROTECTED_TAG)
    .filter((tag) => rules.deletes(tag.name))
    .filter((tag) => !rules.keeps(tag.name))
    .filter((tag) => tag.hasManifest !== false);
  const ordered = matching.sort(newestFirst);
  const beyondKept = rules.keepN === null ? ordered : ordered.slice(rules.keepN);
  const cutOff = rules.olderThan;
  return cutOff === null ? beyondKept : beyondKept.filter((tag) => tag.updatedAt < cutOff);
}
