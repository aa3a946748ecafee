import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AccessEntry } from './access-entry';
import { isCredential, isUserId, MAX_CREDENTIAL_LENGTH } from './identity-claims';
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
  /** `user_id`: the user the token acts for (positive integer); omit for anonymous and deploy tokens. */
  userId?: number;
  /** `credential`: what authenticated, e.g. `personal_access_token:3`; omit for anonymous tokens. */
  credential?: string;
}

const NOT_BEFORE_SKEW_SECONDS = 5;

/**
 * Private keys parsed from their PEM, by PEM. Given the PEM, jsonwebtoken parsed it again for
 * every token, which took as long as the RS256 signature itself (about 0.55 ms of the 8 ms a
 * `docker pull` waits for its token in standalone mode). Keys change only on rotation, so a
 * handful is plenty; the map starts over if ever more arrive.
 */
const parsedKeys = new Map<string, KeyObject>();
const PARSED_KEYS_KEPT = 8;

function privateKeyOf(pem: string): KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    if (parsedKeys.size >= PARSED_KEYS_KEPT) parsedKeys.clear();
    key = createPrivateKey(pem);
    parsedKeys.set(pem, key);
  }
  return key;
}

/** Signs an RS256 JWT carrying `kid` in its header, in the shape `createTokenVerifier` accepts. */
export function signAccessToken(
  key: Pick<SigningKey, 'kid' | 'privateKeyPem'>,
  claims: AccessTokenClaims,
): string {
  if (!(claims.expiresInSeconds >= 1)) throw new RangeError('expiresInSeconds must be at least 1');
  // The verifier refuses these shapes, so signing one would only produce a token nobody accepts.
  if (claims.userId !== undefined && !isUserId(claims.userId))
    throw new RangeError('userId must be a positive safe integer');
  if (claims.credential !== undefined && !isCredential(claims.credential))
    throw new RangeError(`credential must be 1..${MAX_CREDENTIAL_LENGTH} characters`);
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
    ...(claims.userId === undefined ? {} : { user_id: claims.userId }),
    ...(claims.credential === undefined ? {} : { credential: claims.credential }),
  };
  return jwt.sign(payload, privateKeyOf(key.privateKeyPem), { algorithm: 'RS256', keyid: key.kid });
}
