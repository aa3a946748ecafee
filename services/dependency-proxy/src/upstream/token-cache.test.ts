import { TokenCache } from './token-cache';

describe('TokenCache', () => {
  it('when two callers want a token at once, then one fetch serves both', async () => {
    const cache = new TokenCache();
    let fetches = 0;
    const fetch = async () => ({ token: `t${++fetches}`, expiresInSeconds: 60 });

    const tokens = await Promise.all([cache.get('k', fetch), cache.get('k', fetch)]);

    expect(tokens).toEqual(['t1', 't1']);
    expect(fetches).toBe(1);
  });

  it('when the token is near its expiry or was refused, then the next caller fetches a new one', async () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    let fetches = 0;
    const fetch = async () => ({ token: `t${++fetches}`, expiresInSeconds: 60 });

    await cache.get('k', fetch);
    now = 54_001;
    expect(await cache.get('k', fetch)).toBe('t2');
    cache.invalidate('k', 't2');
    expect(await cache.get('k', fetch)).toBe('t3');
  });

  it('when the fetch fails, then the failure is not cached', async () => {
    const cache = new TokenCache();
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => ({ token: 'ok', expiresInSeconds: 60 }))).toBe('ok');
  });
});
