import { createHash } from 'node:crypto';
import { UploadHashCache } from './hash-cache';

describe('UploadHashCache', () => {
  it('hands back a hash only for the size it covers, once', () => {
    const cache = new UploadHashCache();
    const hash = createHash('sha256').update('abc');
    cache.keep('u1', hash, 3);
    expect(cache.take('u1', 4)).toBeNull();
    cache.keep('u1', hash, 3);
    expect(cache.take('u1', 3)).toBe(hash);
    expect(cache.take('u1', 3)).toBeNull();
  });

  it('starts a fresh hash for an empty upload it has never seen', () => {
    const hash = new UploadHashCache().take('new', 0);
    expect(hash?.digest('hex')).toBe(createHash('sha256').digest('hex'));
  });

  it('drops the oldest entries beyond its capacity', () => {
    const cache = new UploadHashCache(2);
    for (const id of ['a', 'b', 'c']) cache.keep(id, createHash('sha256'), 0 + 1);
    expect(cache.take('a', 1)).toBeNull();
    expect(cache.take('c', 1)).not.toBeNull();
  });
});
