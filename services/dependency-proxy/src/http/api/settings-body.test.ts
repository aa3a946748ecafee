import type { ProxyGroupSettings } from '@stowage/dependency-proxy-data';
import { ApiError } from '@stowage/http';
import { parseSettingsBody } from './settings-body';

const secrets = { encrypt: (text: string) => `enc(${text})`, decrypt: (text: string) => text.slice(4, -1) };
const current: ProxyGroupSettings = {
  groupId: 1,
  enabled: true,
  anonymousPulls: false,
  ttlEnabled: false,
  ttlDays: 90,
  upstreams: [
    {
      name: 'mirror',
      url: 'http://127.0.0.1:5001',
      username: 'bot',
      passwordEncrypted: 'enc(secret)',
      prefix: null,
      libraryPrefix: false,
    },
  ],
};
const upstreamsOf = (body: unknown) => parseSettingsBody(body, current, secrets).upstreams;

describe('parseSettingsBody', () => {
  it('when a client saves back the upstream it read (no credentials), then the stored ones are kept', () => {
    expect(upstreamsOf({ upstreams: [{ name: 'mirror', url: 'http://127.0.0.1:5001/' }] })).toEqual([
      expect.objectContaining({ username: 'bot', passwordEncrypted: 'enc(secret)' }),
    ]);
  });

  it('when the username changes without a password, then the old password is not kept', () => {
    const [upstream] = upstreamsOf({
      upstreams: [{ name: 'mirror', url: 'http://127.0.0.1:5001', username: 'other' }],
    })!;
    expect([upstream?.username, upstream?.passwordEncrypted]).toEqual(['other', null]);
  });

  it('when the URL changes, then the credentials go with the old URL', () => {
    const [upstream] = upstreamsOf({ upstreams: [{ name: 'mirror', url: 'http://127.0.0.1:5002' }] })!;
    expect([upstream?.username, upstream?.passwordEncrypted]).toEqual([null, null]);
  });

  it('when a password is given, then it is stored encrypted, and an empty or null one clears it', () => {
    const withPassword = (password: string | null) =>
      upstreamsOf({ upstreams: [{ name: 'mirror', url: 'http://127.0.0.1:5001', password }] })![0]
        ?.passwordEncrypted;
    expect([withPassword('new'), withPassword(''), withPassword(null)]).toEqual(['enc(new)', null, null]);
  });

  it('when only some fields are sent, then only they change', () => {
    expect(
      parseSettingsBody({ anonymous_pulls: true, ttl_policy: { ttl_days: 30 } }, current, secrets),
    ).toEqual({
      anonymousPulls: true,
      ttlDays: 30,
    });
  });

  it.each([
    [{ upstreams: [{ name: 'Upper', url: 'http://127.0.0.1' }] }, 'upstreams[0].name'],
    [{ upstreams: [{ name: 'a', url: 'http://127.0.0.1?x=1' }] }, 'upstreams[0].url'],
    [
      { upstreams: [{ name: 'a', url: 'http://127.0.0.1', library_prefix: 'yes' }] },
      'upstreams[0].library_prefix',
    ],
    [{ ttl_policy: { enabled: 1 } }, 'ttl_policy.enabled'],
    [
      { upstreams: Array.from({ length: 11 }, (_, i) => ({ name: `u${i}`, url: 'http://127.0.0.1' })) },
      'upstreams',
    ],
  ])('when the body is %j, then the 400 names %s', (body, field) => {
    try {
      parseSettingsBody(body, current, secrets);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      expect(Object.keys((error as ApiError).body.message as Record<string, string[]>)).toEqual([field]);
    }
  });
});
