import {
  createTokenVerifier,
  RevocationList,
  TokenInvalidError,
  type TokenVerifier,
  type VerifiedToken,
} from '@stowage/auth';
import type { EventBus, Subscription } from '@stowage/bus';
import type { Metrics } from '@stowage/http';
import type { Logger } from '@stowage/logging';
import { recordRevocations } from './revocation-events';
import { refreshKeysOnSigningKeyEvents } from './signing-key-events';

export interface RegistryTokenVerifier {
  /** The offline JWT verifier (JWKS cache), without the revocation check. */
  verifier: TokenVerifier;
  /** Revoked credentials and blocked users this replica has heard of. */
  revocations: RevocationList;
  /**
   * Verifies a registry token for one of the configured audiences and refuses it with
   * `TokenInvalidError('revoked')` when its credential was revoked or its user blocked after it
   * was issued. This is what request handlers must call.
   */
  verify(token: string): Promise<VerifiedToken>;
  /** The identity-event subscriptions that keep keys and revocations current. */
  subscriptions: Subscription[];
  /** Closes the subscriptions (waiting for running handlers); call from the service's stop path. */
  close(): Promise<void>;
}

/**
 * A verifier of auth-token's registry tokens for the service's audiences (`container_registry`,
 * `dependency_proxy`), kept current by identity events heard on every replica: signing-key
 * events drop the JWKS cache, and revocations and blocks refuse tokens issued before them, so a
 * revoked token stops working within moments rather than at its `exp`.
 */
export async function openRegistryTokenVerifier(options: {
  authTokenUrl: string;
  issuer: string;
  /** The token audiences the service accepts (each verified token says which it carried). */
  audiences: string[];
  events: EventBus;
  /** Label of the subscriptions in logs and the broker's consumer list: the service name. */
  name: string;
  metrics: Metrics;
  logger: Logger;
  /** Longest lifetime of a registry token plus clock tolerance; see RevocationListOptions. */
  maxTokenLifetimeMs?: number;
}): Promise<RegistryTokenVerifier> {
  const verifier = createTokenVerifier({
    jwksUri: `${options.authTokenUrl.replace(/\/$/, '')}/-/jwks`,
    issuer: options.issuer,
    audiences: options.audiences,
  });
  const revocations = new RevocationList({ maxTokenLifetimeMs: options.maxTokenLifetimeMs });
  const subscriptions: Subscription[] = [];
  const close = async () => {
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
  };
  try {
    subscriptions.push(await refreshKeysOnSigningKeyEvents({ ...options, verifier }));
    subscriptions.push(await recordRevocations({ ...options, revocations }));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    verifier,
    revocations,
    subscriptions: [...subscriptions],
    async verify(token) {
      const verified = await verifier.verify(token);
      if (revocations.isRevoked(verified)) {
        throw new TokenInvalidError('revoked', 'token was revoked after it was issued');
      }
      return verified;
    },
    close,
  };
}
