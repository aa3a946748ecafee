/**
 * Why the identity model refused a change to groups, projects or memberships. Domain code throws
 * these; the HTTP layer decides how each kind is answered (http/api/rule-violations.ts).
 */
export type RuleViolationKind =
  /** One field breaks a model rule (`path` taken, `visibility_level` too high...). */
  | 'invalid_field'
  /** The caller may see the thing but not do this to it. */
  | 'not_allowed'
  /** Something the request names does not exist (a user to add, a target namespace). */
  | 'not_found'
  /** The thing to create exists already. */
  | 'conflict'
  /** The change is impossible in the current state (deleting a group that is not empty). */
  | 'refused';

export class RuleViolation extends Error {
  private constructor(
    readonly kind: RuleViolationKind,
    message: string,
    /** For `invalid_field`: the field GitLab names in its error. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RuleViolation';
  }

  static invalidField(field: string, problem: string): RuleViolation {
    return new RuleViolation('invalid_field', problem, field);
  }

  static pathTaken(): RuleViolation {
    return RuleViolation.invalidField('path', 'has already been taken');
  }

  static notAllowed(): RuleViolation {
    return new RuleViolation('not_allowed', 'Forbidden');
  }

  /** `what` as GitLab capitalises it in "404 User Not Found". */
  static notFound(what: string): RuleViolation {
    return new RuleViolation('not_found', what);
  }

  static conflict(message: string): RuleViolation {
    return new RuleViolation('conflict', message);
  }

  static refused(message: string): RuleViolation {
    return new RuleViolation('refused', message);
  }
}
