/**
 * Which tags a bulk deletion removes, as GitLab's CleanupTagsService decides: never `latest`;
 * of the names the delete pattern matches and the keep pattern does not, the `keep_n` newest
 * stay; of the rest, only those older than the cut-off go. Patterns are compiled by the caller
 * (with RE2, so a client's pattern never reaches a backtracking engine) and match whole names.
 */

/** GitLab never deletes this tag in bulk. */
export const PROTECTED_TAG = 'latest';

export interface TagCandidate {
  name: string;
  createdAt: Date;
  /** When the tag last moved to a manifest (its creation when it never did): its age for the rules. */
  updatedAt: Date;
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
  return `^(?:${source})$`;
}

/** Newest first; equal times fall back to the name, so a run is reproducible. */
function newestFirst(a: TagCandidate, b: TagCandidate): number {
  const byTime = b.updatedAt.getTime() - a.updatedAt.getTime();
  if (byTime !== 0) return byTime;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

export function selectTagsToDelete<T extends TagCandidate>(tags: readonly T[], rules: TagCleanupRules): T[] {
  const matching = tags.filter(
    (tag) => tag.name !== PROTECTED_TAG && rules.deletes(tag.name) && !rules.keeps(tag.name),
  );
  const ordered = [...matching].sort(newestFirst);
  const beyondKept = rules.keepN === null ? ordered : ordered.slice(rules.keepN);
  const cutOff = rules.olderThan;
  return cutOff === null ? beyondKept : beyondKept.filter((tag) => tag.updatedAt < cutOff);
}
