import { ApiError, invalidValue, optionalString, requiredString, type Params } from '@stowage/http';
import { DELETE_PROTECTION_LEVELS, PUSH_PROTECTION_LEVELS } from '../../core/protection';

/**
 * The fields of GitLab's package protection rules (`/projects/:id/packages/protection/rules`) as
 * its API checks them: a pattern with `*` wildcards, a package type, and the least role that may
 * push (`maintainer`, `owner`, `admin`) or delete (`owner`, `admin`); a rule restricts at least one.
 */

/** The package types GitLab's protection rules take. */
export const PROTECTABLE_PACKAGE_TYPES = [
  'conan',
  'generic',
  'helm',
  'maven',
  'npm',
  'nuget',
  'pypi',
] as const;

const PATTERN_MAX_LENGTH = 255;

export interface ProtectionRuleFields {
  packageNamePattern: string;
  packageType: string;
  minimumAccessLevelForPush: string | null;
  minimumAccessLevelForDelete: string | null;
}

function pattern(value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw ApiError.invalidField('package_name_pattern', "can't be blank");
  if (trimmed.length > PATTERN_MAX_LENGTH) {
    throw ApiError.invalidField(
      'package_name_pattern',
      `is too long (maximum is ${PATTERN_MAX_LENGTH} characters)`,
    );
  }
  return trimmed;
}

function oneOf(params: Params, name: string, values: readonly string[]): string {
  const value = requiredString(params, name);
  if (!values.includes(value)) throw invalidValue(name);
  return value;
}

/** A minimum level: absent → undefined (unchanged), null or '' → null (no restriction). */
function level(params: Params, name: string, values: readonly string[]): string | null | undefined {
  if (!(name in params)) return undefined;
  const value = params[name];
  if (value === null || value === '') return null;
  const text = optionalString(params, name)!;
  if (!values.includes(text)) throw invalidValue(name);
  return text;
}

/** POST: pattern and type required, at least one minimum level. */
export function newRuleFields(params: Params): ProtectionRuleFields {
  const fields = {
    packageNamePattern: pattern(requiredString(params, 'package_name_pattern')),
    packageType: oneOf(params, 'package_type', PROTECTABLE_PACKAGE_TYPES),
    minimumAccessLevelForPush: level(params, 'minimum_access_level_for_push', PUSH_PROTECTION_LEVELS) ?? null,
    minimumAccessLevelForDelete:
      level(params, 'minimum_access_level_for_delete', DELETE_PROTECTION_LEVELS) ?? null,
  };
  assertRestrictsSomething(fields);
  return fields;
}

/** PATCH: only the fields given change. */
export function ruleChanges(params: Params): Partial<ProtectionRuleFields> {
  const changes: Partial<ProtectionRuleFields> = {};
  const name = optionalString(params, 'package_name_pattern');
  if (name !== undefined) changes.packageNamePattern = pattern(name);
  if (params.package_type !== undefined)
    changes.packageType = oneOf(params, 'package_type', PROTECTABLE_PACKAGE_TYPES);
  const push = level(params, 'minimum_access_level_for_push', PUSH_PROTECTION_LEVELS);
  if (push !== undefined) changes.minimumAccessLevelForPush = push;
  const del = level(params, 'minimum_access_level_for_delete', DELETE_PROTECTION_LEVELS);
  if (del !== undefined) changes.minimumAccessLevelForDelete = del;
  return changes;
}

export function assertRestrictsSomething(
  fields: Pick<ProtectionRuleFields, 'minimumAccessLevelForPush' | 'minimumAccessLevelForDelete'>,
): void {
  if (fields.minimumAccessLevelForPush === null && fields.minimumAccessLevelForDelete === null) {
    throw new ApiError(422, {
      message: 'A rule must have at least a minimum access role for push or delete.',
    });
  }
}
