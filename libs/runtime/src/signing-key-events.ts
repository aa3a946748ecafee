import type { TokenVerifier } from '@stowage/auth';
import type { EventBus, Subscription } from '@stowage/bus';
import type { Metrics } from '@stowage/http';
import type { Logger } from '@stowage/logging';

/** Events auth-token emits when the set of signing keys changes. */
export const SIGNING_KEY_EVENTS = 'identity.signing_key.*';

/**
 * Drops a verifier's cached JWKS whenever auth-token adds or retires a key, so a new key is
 * trusted at once and a retired one stops working without waiting for the cache to expire.
 * Every replica holds its own JWKS cache, so every replica must hear every event.
 */
export function refreshKeysOnSigningKeyEvents(options: {
  events: EventBus;
  /** Label of the subscription in logs and the broker's consumer list: the service name. */
  name: string;
  verifier: TokenVerifier;
  metrics: Metrics;
  logger: Logger;
}): Promise<Subscription> {
  return options.events.subscribeEveryReplica(options.name, [SIGNING_KEY_EVENTS], async (event) => {
    options.verifier.invalidateKeys();
    options.metrics.messagesConsumed.inc({ kind: 'event', type: event.type });
    options.logger.info('signing keys changed; JWKS cache dropped', { eventId: event.id, type: event.type });
  });
}
