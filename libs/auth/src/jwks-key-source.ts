import { createPublicKey, type KeyObject } from 'node:crypto';
import jwksRsa from 'jwks-rsa';
import { TokenInvalidError } from './token-invalid-error';

/** Fetches and parses the JWKS document; resolves to the parsed JSON (`{ keys: [...] }`). */
export type JwksFetcher = (jwksUri: string) => Promise<{ keys: unknown[] }>;

export interface JwksKeySourceOptions {
  jwksUri: string;
  cacheMaxAgeMs: number;
  requestsPerMinute: number;
  timeoutMs: number;
  fetch?: JwksFetcher;
}

/** Public keys by `kid`, from a JWKS endpoint, cached. */
export interface JwksKeySource {
  /**
   * The RSA public key with this `kid`. A cache miss refetches the JWKS (at most `requestsPerMinute`
   * times a minute); rejects with `TokenInvalidError` `unknown_key` or `jwks_unavailable`.
   */
  getKey(kid: string): Promise<KeyObject>;
  /** Forgets every cached key, so the next lookup of each `kid` refetches the JWKS. */
  invalidate(): void;
}

const MIN_MODULUS_BITS = 2048;
// Enough for the current key, the next one and the one being retired, with room for attempts.
const CACHE_MAX_ENTRIES = 10;

function toTokenInvalidError(error: unknown, kid: string): TokenInvalidError {
  if (error instanceof jwksRsa.SigningKeyNotFoundError) {
    return new TokenInvalidError('unknown_key', `no signing key with kid ${JSON.stringify(kid)}`, {
      cause: error,
    });
  }
  // Rate limited: we refuse to refetch, so the key stays unknown. Reporting it as unknown (a 401)
  // rather than unavailable keeps a flood of made-up kids from looking like an outage.
  if (error instanceof jwksRsa.JwksRateLimitError) {
    return new TokenInvalidError('unknown_key', `no cached signing key with kid ${JSON.stringify(kid)}`, {
      cause: error,
    });
  }
  return new TokenInvalidError('jwks_unavailable', 'signing keys could not be fetched', { cause: error });
}

/**
 * jwks-rsa does the caching (per `kid`, `cacheMaxAgeMs`; failures are not cached, concurrent misses
 * share one fetch) and the rate limiting of refetches. It has no way to clear its cache, so
 * `invalidate` replaces the client; that also resets the rate limiter, which is fine because only
 * trusted identity events call it.
 */
export function createJwksKeySource(options: JwksKeySourceOptions): JwksKeySource {
  const createClient = () =>
    jwksRsa({
      jwksUri: options.jwksUri,
      cache: true,
      cacheMaxAge: options.cacheMaxAgeMs,
      cacheMaxEntries: CACHE_MAX_ENTRIES,
      rateLimit: true,
      jwksRequestsPerMinute: options.requestsPerMinute,
      timeout: options.timeoutMs,
      ...(options.fetch ? { fetcher: options.fetch } : {}),
    });
  let client = createClient();

  return {
    async getKey(kid) {
      let signingKey: jwksRsa.SigningKey;
      try {
        signingKey = await client.getSigningKey(kid);
      } catch (error) {
        throw toTokenInvalidError(error, kid);
      }
      // jwks-rsa also serves EC and OKP keys; only an RSA key of decent size may verify RS256.
      const key = createPublicKey(signingKey.getPublicKey());
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      const declaredAlg = signingKey.alg;
      if (
        key.asymmetricKeyType !== 'rsa' ||
        bits < MIN_MODULUS_BITS ||
        (declaredAlg && declaredAlg !== 'RS256')
      ) {
        throw new TokenInvalidError('unknown_key', `signing key ${JSON.stringify(kid)} is not an RS256 key`);
      }
      return key;
    },
    invalidate() {
      client = createClient();
    },
  };
}
