import type { RevocationList } from '@stowage/auth';
import type { DomainEvent, EventBus, Subscription } from '@stowage/bus';
import type { Metrics } from '@stowage/http';
import type { Logger } from '@stowage/logging';

/** auth-token's events that make tokens signed earlier invalid. */
export const TOKEN_REVOKED_EVENT = 'identity.token.revoked';
export const USER_BLOCKED_EVENT = 'identity.user.blocked';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An ISO-8601 time as a Date, or undefined when it is not one. */
function parseTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value);
  return Number.isFinite(date.getTime()) ? date : undefined;
}

/** Applies one event to the list; false when its payload does not have the documented shape. */
function apply(revocations: RevocationList, event: DomainEvent): boolean {
  const payload = event.payload;
  if (!isRecord(payload)) return false;
  try {
    if (event.type === TOKEN_REVOKED_EVENT) {
      // `{credential, user_id?, revoked_at}`: only that credential goes; user_id is informational.
      const at = parseTime(payload.revoked_at);
      if (typeof payload.credential !== 'string' || !at) return false;
      revocations.revokeCredential(payload.credential, at);
      return true;
    }
    if (event.type === USER_BLOCKED_EVENT) {
      const at = parseTime(payload.blocked_at);
      if (typeof payload.user_id !== 'number' || !at) return false;
      revocations.revokeUser(payload.user_id, at);
      return true;
    }
  } catch {
    // The list refuses values out of range (an empty credential, user id 0): malformed too.
    return false;
  }
  return false;
}

/**
 * Feeds a RevocationList from auth-token's identity events. Every replica verifies tokens with
 * its own list, so every replica must hear every event. A malformed payload is logged and
 * skipped: throwing would not help (every-replica events are not retried) and the next event
 * must still be applied.
 */
export function recordRevocations(options: {
  events: EventBus;
  /** Label of the subscription in logs and the broker's consumer list: the service name. */
  name: string;
  revocations: RevocationList;
  metrics: Metrics;
  logger: Logger;
}): Promise<Subscription> {
  const { revocations, metrics, logger } = options;
  return options.events.subscribeEveryReplica(
    options.name,
    [TOKEN_REVOKED_EVENT, USER_BLOCKED_EVENT],
    async (event) => {
      metrics.messagesConsumed.inc({ kind: 'event', type: event.type });
      if (!apply(revocations, event)) {
        logger.warn('identity event with a malformed payload ignored', {
          eventId: event.id,
          type: event.type,
        });
        return;
      }
      logger.info('tokens revoked', { eventId: event.id, type: event.type });
    },
  );
}
