import type { BlobStore } from '../../src';

/** A store whose deletes of the given keys fail, as S3 does when it is down. */
export function failingDeletesOf(blobs: BlobStore, failing: Set<string>): BlobStore {
  return new Proxy(blobs, {
    get(target, property, receiver) {
      if (property === 'delete') {
        return async (key: string) => {
          if (failing.has(key)) throw new Error('storage unavailable');
          return target.delete(key);
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}
