import { TokenInvalidError } from './token-invalid-error';

/** The members of a JWS header we act on. */
export interface TokenHeader {
  alg: string;
  kid: string;
}

// Far above any token auth-token issues, well below what would cost us to parse.
const MAX_TOKEN_LENGTH = 32 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Reads the header of a compact JWS without trusting it, so the algorithm and key can be checked
 * before any cryptography. Only RS256 passes: `none`, HS256 (whose "secret" could be our public key)
 * and every other algorithm are refused here, whatever the key turns out to be.
 */
export function readTokenHeader(token: string): TokenHeader {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
    throw new TokenInvalidError('malformed', 'token is not a compact JWS');
  }
  const parts = token.split('.');
  const [encodedHeader, encodedPayload] = parts;
  if (parts.length !== 3 || !encodedHeader || !encodedPayload || !BASE64URL.test(encodedHeader)) {
    throw new TokenInvalidError('malformed', 'token is not a compact JWS');
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  } catch (error) {
    throw new TokenInvalidError('malformed', 'token header is not JSON', { cause: error });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new TokenInvalidError('malformed', 'token header is not a JSON object');
  }
  const { alg, kid, crit } = header as Record<string, unknown>;
  if (alg !== 'RS256') {
    throw new TokenInvalidError(
      'unsupported_algorithm',
      `token algorithm ${JSON.stringify(alg)} is not accepted`,
    );
  }
  // RFC 7515: extensions listed in `crit` must be understood, and we understand none.
  if (crit !== undefined) throw new TokenInvalidError('malformed', 'token header has critical extensions');
  if (typeof kid !== 'string' || kid.length === 0)
    throw new TokenInvalidError('malformed', 'token header has no kid');
  return { alg, kid };
}
