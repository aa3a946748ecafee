import type { VerifiedToken } from './verified-token';

/**
 * True when the token grants `action` on the resource `type`/`name` (exact, case-sensitive match,
 * as in distribution's token access controller). `*` in the granted actions grants every action,
 * as the Docker token spec allows for `registry:catalog:*`.
 */
export function hasAccess(token: VerifiedToken, type: string, name: string, action: string): boolean {
  return token.access.some(
    (entry) =>
      entry.type === type &&
      entry.name === name &&
      (entry.actions.includes(action) || entry.actions.includes('*')),
  );
}
