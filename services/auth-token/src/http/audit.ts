import type { Logger } from '@stowage/logging';

/** Things the audit trail records. Secrets never go in: ids, names and addresses only. */
export type AuditEvent =
  | 'token.created'
  | 'token.rotated'
  | 'token.revoked'
  | 'token.rejected'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.throttled'
  | 'session.revoked'
  | 'user.created'
  | 'user.blocked'
  | 'user.unblocked'
  | 'membership.changed'
  | 'settings.changed';

/**
 * One JSON log line per security-relevant act, marked `audit: true` so operators can route them
 * to their own sink.
 */
export function audit(logger: Logger, event: AuditEvent, fields: Record<string, unknown>): void {
  logger.info(`audit ${event}`, { audit: true, event, ...fields });
}
