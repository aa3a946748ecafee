import { BufferPool } from './buffer-pool';

describe('BufferPool', () => {
  it('hands back a released buffer of the size asked for, and allocates other sizes', () => {
    const pool = new BufferPool(2);
    const buffer = pool.acquire(8);
    pool.release(buffer);

    expect(pool.acquire(4)).not.toBe(buffer);
    expect(pool.acquire(8)).toBe(buffer);
    expect(pool.acquire(8)).not.toBe(buffer);
  });

  it('keeps at most `keep` buffers', () => {
    const pool = new BufferPool(1);
    const [a, b] = [pool.acquire(8), pool.acquire(8)];
    pool.release(a);
    pool.release(b);

    expect(pool.acquire(8)).toBe(a);
    expect(pool.acquire(8)).not.toBe(b);
  });
});
