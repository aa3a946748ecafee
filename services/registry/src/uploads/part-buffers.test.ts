import { BufferPool } from './buffer-pool';
import { PartBuffers } from './part-buffers';

const pool = () => new BufferPool(2);

/** Adds every byte of `chunk`, taking parts whenever one is full. */
function addAll(parts: PartBuffers, chunk: Buffer, taken: string[]): void {
  for (let offset = 0; offset < chunk.length;) {
    offset += parts.add(chunk, offset);
    if (parts.full) taken.push(parts.takePart().toString());
  }
}

describe('PartBuffers', () => {
  it('cuts fixed-size parts across chunk boundaries, in order, and keeps the rest', () => {
    const parts = new PartBuffers(3, pool());
    const taken: string[] = [];

    addAll(parts, Buffer.from('ab'), taken);
    addAll(parts, Buffer.alloc(0), taken);
    addAll(parts, Buffer.from('cdefghi'), taken);
    addAll(parts, Buffer.from('jk'), taken);

    expect(taken).toEqual(['abc', 'def', 'ghi']);
    expect(parts.length).toBe(2);
    expect(parts.rest().toString()).toBe('jk');
  });

  it('uses two buffers in turn, so a part stays intact while the next one fills', () => {
    const parts = new PartBuffers(2, pool());
    parts.add(Buffer.from('ab'));
    const first = parts.takePart();
    parts.add(Buffer.from('cd'));
    const second = parts.takePart();

    expect(second).not.toBe(first);
    expect(first.toString()).toBe('ab');
    parts.add(Buffer.from('e'));
    expect(parts.takePart()).toBe(first);
  });

  it('copies what it is given: changing a chunk later changes nothing, and the rest is its own copy', () => {
    const parts = new PartBuffers(4, pool());
    const chunk = Buffer.from('xyz');
    parts.add(chunk);
    chunk.fill('!');
    const rest = parts.rest();
    parts.add(Buffer.from('w'));

    expect(rest.toString()).toBe('xyz');
    expect(parts.takePart().toString()).toBe('xyzw');
    expect(new PartBuffers(4, pool()).rest()).toHaveLength(0);
  });

  it('gives its buffers back to the pool, and the next upload fills those instead of new ones', () => {
    const shared = new BufferPool(2);
    const first = new PartBuffers(2, shared);
    first.add(Buffer.from('ab'));
    const a = first.takePart();
    first.add(Buffer.from('cd'));
    const b = first.takePart();
    first.release();

    const next = new PartBuffers(2, shared);
    next.add(Buffer.from('xy'));
    const reused = next.takePart();
    next.add(Buffer.from('zw'));

    expect(new Set([reused, next.takePart()])).toEqual(new Set([a, b]));
    expect(a.toString() + b.toString()).toBe('xyzw');
  });
});
