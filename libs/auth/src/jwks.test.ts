import { toJwks, type PublicJwk } from './jwks';

describe('toJwks', () => {
  it('when given public JWKs, then it wraps them in a keys array', () => {
    const jwk: PublicJwk = { kty: 'RSA', use: 'sig', alg: 'RS256', kid: 'k1', n: 'bg', e: 'AQAB' };

    expect(toJwks([jwk])).toEqual({ keys: [jwk] });
  });

  it('when a private JWK is passed by mistake, then no private member is published', () => {
    const privateJwk = {
      kty: 'RSA',
      use: 'sig',
      alg: 'RS256',
      kid: 'k1',
      n: 'bg',
      e: 'AQAB',
      d: 'secret',
      p: 'x',
      q: 'y',
    };

    const [published] = toJwks([privateJwk as PublicJwk]).keys;

    expect(published).toEqual({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: 'k1', n: 'bg', e: 'AQAB' });
  });
});
