import { parseWwwAuthenticate } from './www-authenticate';

describe('parseWwwAuthenticate', () => {
  it('when a bearer challenge has quoted values with commas, then they stay whole', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.example/token",service="svc",scope="repository:a/b:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.example/token', service: 'svc', scope: 'repository:a/b:pull,push' },
      },
    ]);
  });

  it('when one header holds several challenges, then each is returned with its own parameters', () => {
    expect(parseWwwAuthenticate('Basic realm="a, b", Bearer realm="r", error="invalid_token"')).toEqual([
      { scheme: 'basic', params: { realm: 'a, b' } },
      { scheme: 'bearer', params: { realm: 'r', error: 'invalid_token' } },
    ]);
  });

  it('when challenges come in several headers, then all are returned', () => {
    expect(parseWwwAuthenticate(['Negotiate', 'BASIC Realm=plain'])).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'plain' } },
    ]);
  });

  it('when a quoted value has escapes and spaces around "=", then they are undone', () => {
    expect(parseWwwAuthenticate('Bearer realm = "say \\"hi\\"" , service=x')).toEqual([
      { scheme: 'bearer', params: { realm: 'say "hi"', service: 'x' } },
    ]);
  });

  it('when a challenge carries a token68, then the next challenge is still read', () => {
    expect(parseWwwAuthenticate('Custom abc123==, Bearer realm="r"')).toEqual([
      { scheme: 'custom', params: { '': 'abc123==' } },
      { scheme: 'bearer', params: { realm: 'r' } },
    ]);
  });

  it('when a quoted value is never closed, then the parse stops without throwing', () => {
    expect(parseWwwAuthenticate('Basic realm="x", Bearer realm="unterminated')).toEqual([
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });

  it('when there is no header, then there are no challenges', () => {
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});
