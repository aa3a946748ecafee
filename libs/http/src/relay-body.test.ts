import { PassThrough, Readable, Writable } from 'node:stream';
import { relayBody, sendBody } from './relay-body';

/** A source of `count` chunks that records which chunks came back through `recycle`. */
function recyclingSource(count: number) {
  const chunks = Array.from({ length: count }, (_, index) => Buffer.alloc(16, index));
  const recycled: Buffer[] = [];
  const source = Object.assign(Readable.from(chunks, { objectMode: false }), {
    recycle: (chunk: Buffer): void => void recycled.push(chunk),
  });
  return { source, chunks, recycled };
}

/** A writable that takes `delayMs` to flush each chunk, and keeps what it got. */
function slowSink(delayMs: number) {
  const received: Buffer[] = [];
  const progress = { flushed: 0 };
  const sink = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, callback) {
      received.push(Buffer.from(chunk));
      setTimeout(() => {
        progress.flushed++;
        callback();
      }, delayMs);
    },
  });
  return { sink, received, progress };
}

describe('relayBody', () => {
  it('when the source recycles, then every chunk goes back only after the target has flushed it', async () => {
    const { source, chunks, recycled } = recyclingSource(5);
    const { sink, received, progress } = slowSink(5);
    const flushedWhenRecycled: number[] = [];
    const recycle = source.recycle;
    source.recycle = (chunk) => {
      flushedWhenRecycled.push(progress.flushed);
      recycle(chunk);
    };

    await new Promise<void>((resolve, reject) =>
      relayBody(source, sink, (error) => (error ? reject(error) : resolve())),
    );

    expect(Buffer.concat(received).equals(Buffer.concat(chunks))).toBe(true);
    expect(recycled).toEqual(chunks);
    // The n-th chunk came back no earlier than when the sink had flushed it.
    flushedWhenRecycled.forEach((flushed, index) => expect(flushed).toBeGreaterThanOrEqual(index + 1));
  });

  it('when the target breaks off, then it reports the error once', async () => {
    const source = new PassThrough();
    const { sink } = slowSink(1);
    const done = jest.fn();

    relayBody(source, sink, done);
    source.write(Buffer.alloc(8));
    sink.destroy(new Error('client went away'));
    await new Promise((resolve) => setImmediate(resolve));

    expect(done).toHaveBeenCalledTimes(1);
    expect(done.mock.calls[0]![0]).toBeInstanceOf(Error);
  });
});

describe('sendBody', () => {
  it('when the source fails mid-body, then it rejects and destroys both sides', async () => {
    const source = new PassThrough();
    const { sink } = slowSink(1);

    const sent = sendBody(source, sink);
    source.write(Buffer.alloc(8));
    source.destroy(new Error('storage failed'));

    await expect(sent).rejects.toThrow('storage failed');
    expect(sink.destroyed).toBe(true);
  });
});
