import { createTokenVerifier, type TokenVerifier } from '@stowage/auth';
import type { EventBus, Subscription } from '@stowage/bus';
import type { Metrics } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { refreshKeysOnSigningKeyEvents } from './signing-key-events';

/**
 * A verifier of auth-token's registry tokens for one audience (`container_registry` or
 * `dependency_proxy`), kept fresh by auth-token's signing-key events.
 */
export async function openRegistryTokenVerifier(options: {
  authTokenUrl: string;
  issuer: string;
  audience: string;
  events: EventBus;
  /** Subscriber group for the key events: the service name. */
  group: string;
  metrics: Metrics;
  logger: Logger;
}): Promise<{ verifier: TokenVerifier; keyEvents: Subscription }> {
  const verifier = createTokenVerifier({
    jwksUri: `${options.authTokenUrl.replace(/\/$/, '')}/-/jwks`,
    issuer: options.issuer,
    audiences: [options.audience],
  });
  const keyEvents = await refreshKeysOnSigningKeyEvents({ ...options, verifier });
  return { verifier, keyEvents };
}
