/** Why a token was refused. Stable, machine-readable; callers map it to their protocol's error. */
export type TokenInvalidReason =
  | 'malformed'
  | 'bad_signature'
  | 'unsupported_algorithm'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'unknown_key'
  | 'bad_claims'
  | 'jwks_unavailable'
  /** Valid in itself, but its credential was revoked or its user blocked since it was issued. */
  | 'revoked';

/**
 * A bearer token was refused. Carries no HTTP status: the registry answers 401 with an OCI error,
 * the API answers 401 with GitLab's JSON, and `jwks_unavailable` is arguably a 503; that choice
 * belongs to each boundary.
 */
export class TokenInvalidError extends Error {
  override readonly name = 'TokenInvalidError';

  constructor(
    readonly reason: TokenInvalidReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
