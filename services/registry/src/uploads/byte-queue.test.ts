import { ByteQueue } from './byte-queue';

describe('ByteQueue', () => {
  it('takes fixed-size pieces across chunk boundaries, in order', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from('abc'));
    queue.push(Buffer.alloc(0));
    queue.push(Buffer.from('defgh'));
    expect(queue.length).toBe(8);
    expect(queue.take(5).toString()).toBe('abcde');
    expect(queue.length).toBe(3);
    queue.push(Buffer.from('ij'));
    expect(queue.take(4).toString()).toBe('fghi');
    expect(queue.drain().toString()).toBe('j');
    expect(queue.length).toBe(0);
    expect(queue.drain()).toHaveLength(0);
  });

  it('assembles every piece of one size in the same buffer, and drains into a new one', () => {
    const queue = new ByteQueue();
    queue.push(Buffer.from('abcdefgh'));
    const first = queue.take(3);
    expect(first.toString()).toBe('abc');
    const second = queue.take(3);
    expect(second).toBe(first);
    expect(second.toString()).toBe('def');
    const rest = queue.drain();
    first.fill('x');
    expect(rest.toString()).toBe('gh');
  });
});
