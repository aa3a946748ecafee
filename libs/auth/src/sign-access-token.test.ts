import jwt from 'jsonwebtoken';
import { signAccessToken } from './sign-access-token';
import { generateSigningKey } from './signing-key';

describe('signAccessToken', () => {
  const key = generateSigningKey();
  const claims = {
    issuer: 'stowage',
    subject: 'alice',
    audience: 'container_registry',
    access: [{ type: 'repository', name: 'group/app', actions: ['pull'] }],
    expiresInSeconds: 300,
    issuedAt: new Date('2030-01-01T00:00:00Z'),
    jwtId: 'jti-1',
  };

  it('when signing, then the header is RS256 with the kid', () => {
    const { header } = jwt.decode(signAccessToken(key, claims), { complete: true }) ?? {};

    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: key.kid });
  });

  it('when signing, then the payload holds the Docker token claims', () => {
    const payload = jwt.decode(signAccessToken(key, claims));
    const iat = Date.parse('2030-01-01T00:00:00Z') / 1000;

    expect(payload).toEqual({
      iss: 'stowage',
      sub: 'alice',
      aud: 'container_registry',
      iat,
      nbf: iat - 5,
      exp: iat + 300,
      jti: 'jti-1',
      access: claims.access,
    });
  });

  it('when no jwtId is given, then each token gets a different one', () => {
    const { jwtId: _omitted, ...rest } = claims;
    const first = jwt.decode(signAccessToken(key, rest), { json: true });
    const second = jwt.decode(signAccessToken(key, rest), { json: true });

    expect(first?.jti).toEqual(expect.any(String));
    expect(first?.jti).not.toBe(second?.jti);
  });

  it('when userId and credential are given, then the payload carries user_id and credential', () => {
    const payload = jwt.decode(
      signAccessToken(key, { ...claims, userId: 7, credential: 'personal_access_token:3' }),
      { json: true },
    );

    expect(payload).toMatchObject({ user_id: 7, credential: 'personal_access_token:3' });
  });

  it('when neither is given, then the payload has no user_id or credential', () => {
    const payload = jwt.decode(signAccessToken(key, claims), { json: true });

    expect(payload).not.toHaveProperty('user_id');
    expect(payload).not.toHaveProperty('credential');
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 53])('when userId is %p, then it throws', (userId) => {
    expect(() => signAccessToken(key, { ...claims, userId })).toThrow(RangeError);
  });

  it.each(['', 'x'.repeat(201)])('when credential has %#: a bad length, then it throws', (credential) => {
    expect(() => signAccessToken(key, { ...claims, credential })).toThrow(RangeError);
  });

  it('when the lifetime is not positive, then it throws', () => {
    expect(() => signAccessToken(key, { ...claims, expiresInSeconds: 0 })).toThrow(RangeError);
  });
});
