import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createJwksKeySource, type JwksFetcher } from './jwks-key-source';
import { validateClaims } from './token-claims';
import { readTokenHeader } from './token-header';
import { TokenInvalidError } from './token-invalid-error';
import type { VerifiedToken } from './verified-token';
import { VerifiedTokenCache } from './verified-token-cache';

export interface TokenVerifierOptions {
  /** auth-token's JWKS endpoint (http or https). */
  jwksUri: string;
  /** Exact `iss` auth-token signs with. */
  issuer: string;
  /** `aud` values this service accepts, e.g. `['container_registry']`. */
  audiences: string[];
  /** Allowed clock skew for `exp`, `nbf` and `iat`. Default 60, as CNCF Distribution allows. */
  clockToleranceSeconds?: number;
  /** How long a fetched key is trusted before the JWKS is asked again. Default 10 minutes. */
  cacheMaxAgeMs?: number;
  /** Most JWKS fetches per minute caused by cache misses (unknown `kid`s). Default 10. */
  jwksRequestsPerMinute?: number;
  /** Timeout of one JWKS request. Default 5000. */
  jwksTimeoutMs?: number;
  /** Replaces the HTTP fetch of the JWKS, e.g. an in-process call in standalone mode. */
  fetch?: JwksFetcher;
  /** Current time; defaults to the system clock. */
  now?: () => Date;
}

/** Verifies auth-token's RS256 access tokens offline against its JWKS. */
export interface TokenVerifier {
  /**
   * Resolves to the token's verified content, or rejects with `TokenInvalidError`. `audience`,
   * when given, is the only audience accepted for this call (instead of the configured ones).
   */
  verify(token: string, audience?: string): Promise<VerifiedToken>;
  /** Drops every cached key; call it when an `identity.signing_key.*` event arrives. */
  invalidateKeys(): void;
}

const DEFAULTS = {
  clockToleranceSeconds: 60,
  cacheMaxAgeMs: 10 * 60 * 1000,
  jwksRequestsPerMinute: 10,
  jwksTimeoutMs: 5000,
};

function checkOptions(options: TokenVerifierOptions): void {
  const url = URL.canParse(options.jwksUri) ? new URL(options.jwksUri) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`jwksUri must be an http(s) URL, got ${JSON.stringify(options.jwksUri)}`);
  }
  if (!options.issuer) throw new TypeError('issuer must not be empty');
  if (options.audiences.length === 0 || options.audiences.some((audience) => !audience)) {
    throw new TypeError('audiences must list at least one non-empty audience');
  }
}

function verifySignature(token: string, key: KeyObject): unknown {
  try {
    // Claims are checked by validateClaims, which needs exp and iat present and reports each reason.
    return jwt.verify(token, key, { algorithms: ['RS256'], ignoreExpiration: true, ignoreNotBefore: true });
  } catch (error) {
    // jsonwebtoken tells a bad signature apart only by its message; a test pins it (tampered payload).
    if (error instanceof jwt.JsonWebTokenError && error.message === 'invalid signature') {
      throw new TokenInvalidError('bad_signature', 'token signature does not verify', { cause: error });
    }
    throw new TokenInvalidError('malformed', 'token could not be decoded', { cause: error });
  }
}

/** Builds a verifier with its own key cache; create one per process and share it. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  checkOptions(options);
  const clockToleranceSeconds = options.clockToleranceSeconds ?? DEFAULTS.clockToleranceSeconds;
  const now = options.now ?? (() => new Date());
  const keys = createJwksKeySource({
    jwksUri: options.jwksUri,
    cacheMaxAgeMs: options.cacheMaxAgeMs ?? DEFAULTS.cacheMaxAgeMs,
    requestsPerMinute: options.jwksRequestsPerMinute ?? DEFAULTS.jwksRequestsPerMinute,
    timeoutMs: options.jwksTimeoutMs ?? DEFAULTS.jwksTimeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const audiences = [...options.audiences];
  const verified = new VerifiedTokenCache();

  return {
    async verify(token, audience) {
      const at = now();
      const cached = verified.get(token, audience, at, clockToleranceSeconds);
      if (cached) return cached;
      const { kid } = readTokenHeader(token);
      const key = await keys.getKey(kid);
      const payload = verifySignature(token, key);
      const claims = validateClaims(payload, {
        issuer: options.issuer,
        audiences: audience === undefined ? audiences : [audience],
        clockToleranceSeconds,
        now: at,
      });
      const result = { ...claims, keyId: kid };
      verified.set(token, audience, result);
      return result;
    },
    invalidateKeys() {
      keys.invalidate();
      // A key may have been withdrawn: tokens it signed must be checked again.
      verified.clear();
    },
  };
}
