import { VerifiedTokenCache } from './verified-token-cache';
import type { VerifiedToken } from './verified-token';

const token = (expiresAt: Date): VerifiedToken => ({
  subject: 'alice',
  issuer: 'i',
  audience: 'container_registry',
  access: [],
  issuedAt: new Date(0),
  expiresAt,
  keyId: 'k',
});

describe('VerifiedTokenCache', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  it('answers a token verified for the same audience until it expires, with the tolerance', () => {
    const cache = new VerifiedTokenCache();
    const verified = token(later(300));
    cache.set('t', 'container_registry', verified);
    expect(cache.get('t', 'container_registry', later(10), 60)).toBe(verified);
    expect(cache.get('t', 'dependency_proxy', later(10), 60)).toBeUndefined();
    expect(cache.get('t', 'container_registry', later(359), 60)).toBe(verified);
    expect(cache.get('t', 'container_registry', later(360), 60)).toBeUndefined();
  });

  it('forgets everything on clear, and the oldest entry beyond its size', () => {
    const cache = new VerifiedTokenCache(2);
    for (const name of ['a', 'b', 'c']) cache.set(name, undefined, token(later(300)));
    expect(cache.get('a', undefined, now, 0)).toBeUndefined();
    expect(cache.get('c', undefined, now, 0)).toBeDefined();
    cache.clear();
    expect(cache.get('c', undefined, now, 0)).toBeUndefined();
  });
});
