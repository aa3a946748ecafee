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

  it('when the lifetime is not positive, then it throws', () => {
    expect(() => signAccessToken(key, { ...claims, expiresInSeconds: 0 })).toThrow(RangeError);
  });
});
