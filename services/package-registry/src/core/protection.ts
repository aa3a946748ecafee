import RE2 from 're2';
import type { PackageDb, PackageProtectionRule } from '@stowage/package-registry-data';
import type { ProjectAccess } from './package-access';
import { PackageProtectedError } from './package-errors';

/**
 * GitLab's package protection rules: a rule names packages of one type by a pattern with `*`
 * wildcards and the least role that may push or delete them (`maintainer`, `owner`, or `admin`
 * for instance administrators only). Callers without a role (deploy tokens) never meet a rule's
 * minimum; instance administrators always do.
 */

export const PUSH_PROTECTION_LEVELS = ['maintainer', 'owner', 'admin'] as const;
export const DELETE_PROTECTION_LEVELS = ['owner', 'admin'] as const;

const ROLE_LEVEL: Record<string, number> = { maintainer: 40, owner: 50 };

/** The rule's pattern as an anchored, case-insensitive RE2 expression (`*` is any run of characters). */
export function patternMatcher(pattern: string): RE2 {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('.*');
  return new RE2(`^${escaped}$`, 'i');
}

function meets(minimum: string | null, access: ProjectAccess): boolean {
  if (minimum === null || access.instanceAdmin) return true;
  const level = ROLE_LEVEL[minimum];
  return level !== undefined && access.accessLevel >= level;
}

async function rulesFor(db: PackageDb, projectId: number, packageType: string, name: string) {
  const rules = await db.packageProtectionRule.findMany({ where: { projectId, packageType } });
  return rules.filter((rule: PackageProtectionRule) => patternMatcher(rule.packageNamePattern).test(name));
}

/** Refuses with PackageProtectedError when a rule keeps the caller from pushing this package. */
export async function assertPushAllowed(
  db: PackageDb,
  access: ProjectAccess,
  packageType: string,
  name: string,
) {
  const rules = await rulesFor(db, access.project.id, packageType, name);
  if (!rules.every((rule) => meets(rule.minimumAccessLevelForPush, access)))
    throw new PackageProtectedError('push');
}

/** Refuses with PackageProtectedError when a rule keeps the caller from deleting this package. */
export async function assertDeleteAllowed(
  db: PackageDb,
  access: ProjectAccess,
  packageType: string,
  name: string,
) {
  const rules = await rulesFor(db, access.project.id, packageType, name);
  if (!rules.every((rule) => meets(rule.minimumAccessLevelForDelete, access)))
    throw new PackageProtectedError('delete');
}
