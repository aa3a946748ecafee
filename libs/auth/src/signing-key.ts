import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { computeKeyId } from './key-id';
import type { PublicJwk } from './jwks';

/** An RS256 signing key of auth-token. The private half never leaves auth-token. */
export interface SigningKey {
  /** libtrust-style key id, see `computeKeyId`. */
  kid: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** What the JWKS publishes for this key. */
  publicJwk: PublicJwk;
}

const MIN_MODULUS_BITS = 2048;

/**
 * Rebuilds a `SigningKey` from its private PEM (PKCS#1 or PKCS#8), e.g. a key auth-token loaded from
 * its database or configuration. Throws if the key is not RSA of at least 2048 bits.
 */
export function signingKeyFromPrivateKeyPem(privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  const modulusLength = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (privateKey.asymmetricKeyType !== 'rsa' || modulusLength < MIN_MODULUS_BITS) {
    throw new Error(`a signing key must be RSA of at least ${MIN_MODULUS_BITS} bits`);
  }
  const publicKey = createPublicKey(privateKey);
  const kid = computeKeyId(publicKey);
  const { n, e } = publicKey.export({ format: 'jwk' });
  if (n === undefined || e === undefined) throw new Error('RSA public key exported without n or e');
  return {
    kid,
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n, e },
  };
}

/**
 * Generates a new RSA 2048 signing key. Synchronous (tens of milliseconds of CPU): auth-token
 * does it at first start and on rotation, never per request.
 */
export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: MIN_MODULUS_BITS });
  return signingKeyFromPrivateKeyPem(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
}
