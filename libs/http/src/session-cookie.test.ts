import { createHash } from 'node:crypto';
import { cookieValue, csrfTokenFor, csrfTokenMatches, sessionTokenOf } from './session-cookie';

describe('session cookie', () => {
  it('when the Cookie header holds several cookies, then the named one is found, spaces trimmed', () => {
    expect(cookieValue('a=1; _stowage_session=abc ; b=2', '_stowage_session')).toBe('abc');
    expect(cookieValue('x_stowage_session=abc', '_stowage_session')).toBeUndefined();
    expect(cookieValue('_stowage_session=', '_stowage_session')).toBeUndefined();
    expect(cookieValue(undefined, '_stowage_session')).toBeUndefined();
  });

  it('when a token header is present, then the session cookie is not the credential', () => {
    const cookie = '_stowage_session=abc';
    expect(sessionTokenOf({ cookie })).toBe('abc');
    for (const header of ['private-token', 'job-token', 'deploy-token', 'authorization']) {
      expect(sessionTokenOf({ cookie, [header]: 'x' })).toBeUndefined();
    }
  });

  it('when the CSRF token is derived, then it is base64url(SHA-256("csrf:" + secret)) and checked exactly', () => {
    const expected = createHash('sha256').update('csrf:secret').digest('base64url');
    expect(csrfTokenFor('secret')).toBe(expected);
    expect(csrfTokenMatches('secret', expected)).toBe(true);
    expect(csrfTokenMatches('secret', `${expected}x`)).toBe(false);
    expect(csrfTokenMatches('secret', csrfTokenFor('other'))).toBe(false);
    expect(csrfTokenMatches('secret', undefined)).toBe(false);
  });
});
