import { NAME_MAX_LENGTH } from '../paths';

/** Token names and descriptions share GitLab's 255-character limit. */
export const TOKEN_TEXT_MAX_LENGTH = NAME_MAX_LENGTH;

export function tokenNameProblem(name: string): string | null {
  if (name.trim().length === 0) return "can't be blank";
  return name.length > TOKEN_TEXT_MAX_LENGTH
    ? `is too long (maximum is ${TOKEN_TEXT_MAX_LENGTH} characters)`
    : null;
}

export function tokenDescriptionProblem(description: string): string | null {
  return description.length > TOKEN_TEXT_MAX_LENGTH
    ? `is too long (maximum is ${TOKEN_TEXT_MAX_LENGTH} characters)`
    : null;
}

const DAY_MS = 86_400_000;

export function startOfUtcDay(now: Date): Date {
  return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

export function daysFromToday(now: Date, days: number): Date {
  return new Date(startOfUtcDay(now).getTime() + days * DAY_MS);
}

/**
 * A date-only expiry takes effect at the start of its day (UTC), so today would already be
 * over: the earliest useful date is tomorrow.
 */
export function expiryDateProblem(date: Date, now: Date): string | null {
  return date.getTime() <= startOfUtcDay(now).getTime() ? 'must be in the future' : null;
}

/** An exact expiry instant (deploy tokens) must lie ahead. */
export function expiryInstantProblem(instant: Date, now: Date): string | null {
  return instant.getTime() <= now.getTime() ? 'must be in the future' : null;
}
