import RE2 from 're2';
import type { PackageDb } from '@stowage/package-registry-data';

/**
 * GitLab's duplicate rule for formats whose duplicates a group decides (generic, Maven...):
 * duplicates_allowed plus an exception pattern (RE2) matched against the package name and
 * version. A project takes the row of its nearest ancestor group that has one for the format;
 * without any, duplicates are allowed (GitLab's default).
 */
export interface DuplicateRule {
  duplicatesAllowed: boolean;
  exceptionRegex: string;
}

const DEFAULT_RULE: DuplicateRule = { duplicatesAllowed: true, exceptionRegex: '' };

/** `a/b/c` → [`a/b`, `a`]: the groups a project sits in, nearest first. */
export function ancestorNamespaces(projectPath: string): string[] {
  const segments = projectPath.toLowerCase().split('/');
  const namespaces: string[] = [];
  for (let end = segments.length - 1; end > 0; end -= 1) namespaces.push(segments.slice(0, end).join('/'));
  return namespaces;
}

export async function duplicateRuleFor(
  db: PackageDb,
  projectPath: string,
  packageType: string,
): Promise<DuplicateRule> {
  return nearestRule(db, ancestorNamespaces(projectPath), packageType);
}

/** A group's own rule for the format, or the one it inherits from its nearest ancestor with one. */
export function namespaceDuplicateRule(
  db: PackageDb,
  namespacePath: string,
  packageType: string,
): Promise<DuplicateRule> {
  return nearestRule(db, [namespacePath.toLowerCase(), ...ancestorNamespaces(namespacePath)], packageType);
}

/** The first of `namespaces` (nearest first, lower-cased) with a row for the format; GitLab's default otherwise. */
async function nearestRule(db: PackageDb, namespaces: string[], packageType: string): Promise<DuplicateRule> {
  if (namespaces.length === 0) return DEFAULT_RULE;
  const rows = await db.namespacePackageSetting.findMany({
    where: { packageType, namespacePath: { in: namespaces } },
  });
  for (const namespace of namespaces) {
    const row = rows.find((candidate) => candidate.namespacePath === namespace);
    if (row) return { duplicatesAllowed: row.duplicatesAllowed, exceptionRegex: row.duplicateExceptionRegex };
  }
  return DEFAULT_RULE;
}

/** Whether `pattern` matches (RE2, unanchored as GitLab's untrusted regexes); a broken pattern matches nothing. */
function matches(pattern: string, text: string): boolean {
  if (pattern === '') return false;
  try {
    return new RE2(pattern).test(text);
  } catch {
    return false;
  }
}

/** Whether a duplicate of this package may be published under `rule`. */
export function duplicateAllowed(rule: DuplicateRule, name: string, version: string | null): boolean {
  const exception =
    matches(rule.exceptionRegex, name) || (version !== null && matches(rule.exceptionRegex, version));
  return rule.duplicatesAllowed !== exception;
}

/** Checks that a user-supplied exception pattern compiles under RE2; the error message otherwise. */
export function exceptionRegexProblem(pattern: string): string | null {
  if (pattern.length > 255) return 'is too long (maximum is 255 characters)';
  try {
    new RE2(pattern);
    return null;
  } catch {
    return 'is an invalid regexp';
  }
}
