import { newEvent } from '@stowage/bus';
import { recordEvent, type RawExecutor } from '@stowage/outbox';
import { AUTH_TOKEN_SCHEMA } from '../schema';

/** The identity events other services act on (payload keys are snake_case, as on the wire). */
export interface IdentityEvents {
  'identity.token.revoked': { credential: string; user_id?: number; revoked_at: string };
  'identity.user.blocked': { user_id: number; blocked_at: string };
  'identity.user.unblocked': { user_id: number };
  'identity.membership.changed': { user_id: number; namespace_id?: number; project_id?: number };
  'identity.project.created': { project_id: number; full_path: string };
  'identity.project.updated': { project_id: number; full_path: string; previous_full_path?: string };
  'identity.project.deleted': { project_id: number; full_path: string };
  'identity.group.updated': { namespace_id: number; full_path: string; previous_full_path?: string };
  'identity.settings.updated': Record<string, never>;
}

/**
 * Records an identity event in the caller's transaction (the outbox relays it afterwards), so
 * the event exists exactly when the change does. Call `nudgeOutbox()` after the commit.
 */
export function recordIdentityEvent<T extends keyof IdentityEvents>(
  tx: RawExecutor,
  type: T,
  payload: IdentityEvents[T],
): Promise<void> {
  return recordEvent(tx, AUTH_TOKEN_SCHEMA, newEvent(type, 'auth-token', payload));
}
