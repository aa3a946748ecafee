import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { computeKeyId } from './key-id';
import { generateSigningKey, signingKeyFromPrivateKeyPem } from './signing-key';

describe('generateSigningKey', () => {
  it('when a key is generated, then its public JWK verifies what its private key signs', () => {
    const key = generateSigningKey();

    const signature = sign('sha256', Buffer.from('data'), key.privateKeyPem);
    const publicKey = createPublicKey({ key: key.publicJwk, format: 'jwk' });

    expect(verify('sha256', Buffer.from('data'), publicKey, signature)).toBe(true);
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('when a key is generated, then kid is its libtrust key id and the JWK carries only public members', () => {
    const key = generateSigningKey();

    expect(key.kid).toBe(computeKeyId(createPublicKey(key.privateKeyPem)));
    expect(Object.keys(key.publicJwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(key.publicJwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: key.kid });
  });

  it('when two keys are generated, then their kids differ', () => {
    expect(generateSigningKey().kid).not.toBe(generateSigningKey().kid);
  });
});

describe('signingKeyFromPrivateKeyPem', () => {
  it('when given a PKCS#1 PEM, then it rebuilds the same key as from PKCS#8', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const pkcs8 = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

    expect(signingKeyFromPrivateKeyPem(pkcs1)).toEqual(signingKeyFromPrivateKeyPem(pkcs8));
  });

  it('when the key is RSA below 2048 bits, then it throws', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });

    expect(() =>
      signingKeyFromPrivateKeyPem(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
    ).toThrow(/at least 2048/);
  });

  it('when the key is not RSA, then it throws', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    expect(() =>
      signingKeyFromPrivateKeyPem(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
    ).toThrow(/RSA/);
  });
});
