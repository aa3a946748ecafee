import { createHmac, createPrivateKey, sign } from 'node:crypto';
import type { SigningKey } from '@stowage/auth';

/** Base64url of a JSON value, as a JWS segment. */
export const segment = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RS256 JWS over any header and payload, for claims `signAccessToken` would never produce. */
export function signRawRs256(
  key: Pick<SigningKey, 'privateKeyPem'>,
  header: object,
  payload: unknown,
): string {
  return signSigningInput(key, `${segment(header)}.${segment(payload)}`);
}

/** Appends an RS256 signature to `<header>.<payload>` exactly as given, JSON or not. */
export function signSigningInput(key: Pick<SigningKey, 'privateKeyPem'>, input: string): string {
  const signature = sign('sha256', Buffer.from(input), createPrivateKey(key.privateKeyPem));
  return `${input}.${signature.toString('base64url')}`;
}

/** An HS256 JWS whose HMAC secret is the given text (the classic public-key-as-secret attack). */
export function signRawHs256(secret: string, header: object, payload: unknown): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Valid registered claims around `now` for the test issuer and audience, to override per test. */
export function baseClaims(now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return {
    iss: 'stowage-test',
    sub: 'alice',
    aud: 'container_registry',
    iat: now,
    nbf: now - 5,
    exp: now + 300,
    jti: 'token-1',
    access: [{ type: 'repository', name: 'group/app', actions: ['pull'] }],
  };
}
