import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AccessEntry } from './access-entry';
import type { SigningKey } from './signing-key';

/** What auth-token puts into a Docker-spec access token. */
export interface AccessTokenClaims {
  issuer: string;
  /** Username; empty string for an anonymous token. */
  subject: string;
  /** The service the token is for, e.g. `container_registry`. */
  audience: string;
  access: AccessEntry[];
  /** Lifetime from `issuedAt`. */
  expiresInSeconds: number;
  /** Defaults to now. */
  issuedAt?: Date;
  /** Defaults to five seconds before `issuedAt`, as GitLab does, to absorb small clock skew. */
  notBefore?: Date;
  /** Defaults to a random UUID. */
  jwtId?: string;
}

const NOT_BEFORE_SKEW_SECONDS = 5;

/** Signs an RS256 JWT carrying `kid` in its header, in the shape `createTokenVerifier` accepts. */
export function signAccessToken(
  key: Pick<SigningKey, 'kid' | 'privateKeyPem'>,
  claims: AccessTokenClaims,
): string {
  if (!(claims.expiresInSeconds >= 1)) throw new RangeError('expiresInSeconds must be at least 1');
  const iat = Math.floor((claims.issuedAt ?? new Date()).getTime() / 1000);
  const nbf =
    claims.notBefore === undefined
      ? iat - NOT_BEFORE_SKEW_SECONDS
      : Math.floor(claims.notBefore.getTime() / 1000);
  const payload = {
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.audience,
    iat,
    nbf,
    exp: iat + Math.floor(claims.expiresInSeconds),
    jti: claims.jwtId ?? randomUUID(),
    access: claims.access,
  };
  return jwt.sign(payload, key.privateKeyPem, { algorithm: 'RS256', keyid: key.kid });
}
