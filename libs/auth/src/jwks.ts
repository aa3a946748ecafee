/**
 * The public half of a signing key as published in the JWKS (RFC 7517). A type alias, not an
 * interface, so it can be passed straight to `crypto.createPublicKey({ key, format: 'jwk' })`.
 */
export type PublicJwk = {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  /** Modulus, base64url. */
  n: string;
  /** Public exponent, base64url. */
  e: string;
};

/** A JWK Set document, as served by auth-token's JWKS endpoint. */
export interface Jwks {
  keys: PublicJwk[];
}

/**
 * Builds the JWKS document from public keys. Copies only the public members, so a private JWK
 * passed by mistake (one with `d`, `p`, `q`...) can never be published.
 */
export function toJwks(publicJwks: readonly PublicJwk[]): Jwks {
  return {
    keys: publicJwks.map(({ kid, n, e }) => ({ kty: 'RSA', use: 'sig', alg: 'RS256', kid, n, e })),
  };
}
