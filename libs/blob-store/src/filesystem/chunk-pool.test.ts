import { ChunkPool } from './chunk-pool';

describe('ChunkPool', () => {
  it('when a buffer is handed back, then the next take reuses it', () => {
    const pool = new ChunkPool(1024, 2);
    const first = pool.take();
    pool.give(first);
    expect(pool.take().buffer).toBe(first.buffer);
  });

  it('when a buffer is handed back twice, then it is given out only once', () => {
    const pool = new ChunkPool(1024, 4);
    const buffer = pool.take();
    pool.give(buffer);
    pool.give(buffer.subarray(0, 1024));
    expect(pool.take().buffer).toBe(buffer.buffer);
    expect(pool.take().buffer).not.toBe(buffer.buffer);
  });

  it('keeps no more than its limit, nor slices or buffers of another size', () => {
    const pool = new ChunkPool(1024, 1);
    const [a, b] = [pool.take(), pool.take()];
    pool.give(Buffer.alloc(2048).subarray(0, 1024));
    pool.give(Buffer.alloc(512));
    pool.give(a);
    pool.give(b);
    expect(pool.take().buffer).toBe(a.buffer);
    const fresh = pool.take();
    expect([a.buffer, b.buffer]).not.toContain(fresh.buffer);
  });
});
