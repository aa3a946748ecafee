import { parseAccessClaim } from './access-entry';
import { isCredential, isUserId } from './identity-claims';
import { TokenInvalidError } from './token-invalid-error';
import type { VerifiedToken } from './verified-token';

/** What the payload of a correctly signed token must satisfy. */
export interface ClaimExpectations {
  issuer: string;
  /** Accepted audiences; the token's `aud` (string or array) must contain one of them. */
  audiences: readonly string[];
  clockToleranceSeconds: number;
  now: Date;
}

const isNumericDate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function matchAudience(aud: unknown, accepted: readonly string[]): string | undefined {
  const candidates = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  return candidates.find(
    (candidate): candidate is string => typeof candidate === 'string' && accepted.includes(candidate),
  );
}

/**
 * Checks the registered and Docker-spec claims of a payload whose signature is already verified.
 * Issuer and audience come first so a token meant for another service says so, whatever else is
 * wrong with it.
 */
export function validateClaims(payload: unknown, expect: ClaimExpectations): Omit<VerifiedToken, 'keyId'> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TokenInvalidError('malformed', 'token payload is not a JSON object');
  }
  const claims = payload as Record<string, unknown>;

  if (claims.iss !== expect.issuer)
    throw new TokenInvalidError('wrong_issuer', 'token issuer is not trusted');
  const audience = matchAudience(claims.aud, expect.audiences);
  if (audience === undefined)
    throw new TokenInvalidError('wrong_audience', 'token is not meant for this service');

  const { exp, nbf, iat, sub, jti, user_id: userId, credential } = claims;
  if (!isNumericDate(exp)) throw new TokenInvalidError('bad_claims', 'token has no valid exp claim');
  if (!isNumericDate(iat)) throw new TokenInvalidError('bad_claims', 'token has no valid iat claim');
  if (nbf !== undefined && !isNumericDate(nbf))
    throw new TokenInvalidError('bad_claims', 'token nbf claim is invalid');
  if (sub !== undefined && typeof sub !== 'string')
    throw new TokenInvalidError('bad_claims', 'token sub claim is invalid');
  if (jti !== undefined && typeof jti !== 'string')
    throw new TokenInvalidError('bad_claims', 'token jti claim is invalid');
  if (userId !== undefined && !isUserId(userId))
    throw new TokenInvalidError('bad_claims', 'token user_id claim is invalid');
  if (credential !== undefined && !isCredential(credential))
    throw new TokenInvalidError('bad_claims', 'token credential claim is invalid');

  const nowSeconds = expect.now.getTime() / 1000;
  const tolerance = expect.clockToleranceSeconds;
  if (nowSeconds >= exp + tolerance) throw new TokenInvalidError('expired', 'token has expired');
  if (nbf !== undefined && nbf > nowSeconds + tolerance) {
    throw new TokenInvalidError('not_yet_valid', 'token is not valid yet');
  }
  // A token "issued" in the future means a skewed or forged issuer clock; refuse it like nbf.
  if (iat > nowSeconds + tolerance)
    throw new TokenInvalidError('not_yet_valid', 'token was issued in the future');

  const access = parseAccessClaim(claims.access);
  if (access === null)
    throw new TokenInvalidError('bad_claims', 'token access claim has an unexpected shape');

  const token: Omit<VerifiedToken, 'keyId'> = {
    subject: sub ?? '',
    issuer: expect.issuer,
    audience,
    access,
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
  };
  if (jti !== undefined) token.jwtId = jti;
  if (userId !== undefined) token.userId = userId;
  if (credential !== undefined) token.credential = credential;
  return token;
}
