import { isCadence, KEEP_N_VALUES, OLDER_THAN_VALUES, type CleanupPolicy } from './cleanup-policy';
import { compileTagNamePattern, InvalidTagNamePatternError } from './tag-name-pattern';

/**
 * Reads `container_expiration_policy_attributes` (from `PUT /projects/:id`, JSON or form text)
 * onto the current policy. Every field is checked before anything is returned, so a caller
 * that saves only what this returns never saves half a request.
 */

/** One attribute was refused; `field` is GitLab's attribute name, `problem` its model's words. */
export class InvalidCleanupPolicyError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field} ${problem}`);
    this.name = 'InvalidCleanupPolicyError';
  }
}

type Attributes = Record<string, unknown>;

const NOT_IN_LIST = 'is not included in the list';

// Grape's Boolean coercion accepts these spellings (form bodies carry text).
const TRUE = new Set(['true', 't', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', 'f', '0', 'no', 'n', 'off']);

function booleanOf(field: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && TRUE.has(value.toLowerCase())) return true;
  if (typeof value === 'string' && FALSE.has(value.toLowerCase())) return false;
  throw new InvalidCleanupPolicyError(field, 'is invalid');
}

/** null, or empty form text, clears an optional field. */
const isCleared = (value: unknown) => value === null || value === '';

function keepNOf(value: unknown): number | null {
  if (isCleared(value)) return null;
  const number = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (!Number.isSafeInteger(number)) throw new InvalidCleanupPolicyError('keep_n', 'is invalid');
  if (!(KEEP_N_VALUES as readonly unknown[]).includes(number)) {
    throw new InvalidCleanupPolicyError('keep_n', NOT_IN_LIST);
  }
  return number as number;
}

function olderThanOf(value: unknown): string | null {
  if (isCleared(value)) return null;
  if (typeof value !== 'string') throw new InvalidCleanupPolicyError('older_than', 'is invalid');
  if (!(OLDER_THAN_VALUES as readonly string[]).includes(value)) {
    throw new InvalidCleanupPolicyError('older_than', NOT_IN_LIST);
  }
  return value;
}

/** A pattern RE2 compiles alone and anchored (GitLab's UntrustedRegexpValidator words it so). */
function patternOf(field: string, value: unknown): string | null {
  if (isCleared(value)) return null;
  if (typeof value !== 'string') throw new InvalidCleanupPolicyError(field, 'is invalid');
  try {
    compileTagNamePattern(value);
  } catch (error) {
    if (!(error instanceof InvalidTagNamePatternError)) throw error;
    throw new InvalidCleanupPolicyError(field, `not valid RE2 syntax: ${error.message}`);
  }
  return value;
}

const has = (attributes: Attributes, name: string) => Object.hasOwn(attributes, name);

export function applyCleanupPolicyAttributes(current: CleanupPolicy, input: unknown): CleanupPolicy {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidCleanupPolicyError('container_expiration_policy_attributes', 'is invalid');
  }
  const attributes = input as Attributes;
  const next = { ...current };
  if (has(attributes, 'enabled')) next.enabled = booleanOf('enabled', attributes.enabled);
  if (has(attributes, 'cadence')) {
    if (!isCadence(attributes.cadence)) throw new InvalidCleanupPolicyError('cadence', NOT_IN_LIST);
    next.cadence = attributes.cadence;
  }
  if (has(attributes, 'keep_n')) next.keepN = keepNOf(attributes.keep_n);
  if (has(attributes, 'older_than')) next.olderThan = olderThanOf(attributes.older_than);
  // `name_regex` is the older name of `name_regex_delete`; each is checked under its own name,
  // and `name_regex_delete` wins when both are sent.
  if (has(attributes, 'name_regex')) next.nameRegexDelete = patternOf('name_regex', attributes.name_regex);
  if (has(attributes, 'name_regex_delete')) {
    next.nameRegexDelete = patternOf('name_regex_delete', attributes.name_regex_delete);
  }
  if (has(attributes, 'name_regex_keep')) {
    next.nameRegexKeep = patternOf('name_regex_keep', attributes.name_regex_keep);
  }
  return next;
}
