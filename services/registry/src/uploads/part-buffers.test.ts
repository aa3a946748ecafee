import { PartBuffers } from './part-buffers';

/** Adds every byte of `chunk`, taking parts whenever one is full. */
function addAll(parts: PartBuffers, chunk: Buffer, taken: string[]): void {
  for (let offset = 0; offset < chunk.length;) {
    offset += parts.add(chunk, offset);
    if (parts.full) taken.push(parts.takePart().toString());
  }
}

describe('PartBuffers', () => {
  it('cuts fixed-size parts across chunk boundaries, in order, and keeps the rest', () => {
    const parts = new PartBuffers(3);
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
    const parts = new PartBuffers(2);
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
    const parts = new PartBuffers(4);
    const chunk = Buffer.from('xyz');
    parts.add(chunk);
    chunk.fill('!');
    const rest = parts.rest();
    parts.add(Buffer.from('w'));

    expect(rest.toString()).toBe('xyz');
    expect(parts.takePart().toString()).toBe('xyzw');
    expect(new PartBuffers(4).rest()).toHaveLength(0);
  });
});
