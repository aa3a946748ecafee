import { PassThrough, Readable, Writable } from 'node:stream';
import { teeStream } from './tee-stream';

const chunks = (n: number) => Array.from({ length: n }, (_, i) => Buffer.alloc(1024, i));

function collector(): { stream: Writable; received: () => number } {
  let bytes = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      setImmediate(callback);
    },
  });
  return { stream, received: () => bytes };
}

describe('teeStream', () => {
  it('when both sides read, then each gets every byte and onChunk sees each chunk once', async () => {
    const primary = collector();
    const secondary = collector();
    let seen = 0;
    teeStream(
      Readable.from(chunks(200)),
      primary.stream,
      secondary.stream,
      (chunk) => (seen += chunk.length),
    );
    await new Promise((resolve) => primary.stream.on('finish', resolve));

    expect([primary.received(), secondary.received(), seen]).toEqual([204800, 204800, 204800]);
  });

  it('when the secondary goes away midway, then the primary still gets everything', async () => {
    const primary = collector();
    const secondary = new PassThrough();
    teeStream(Readable.from(chunks(200)), primary.stream, secondary, () => undefined);
    secondary.once('data', () => secondary.destroy());
    await new Promise((resolve) => primary.stream.on('finish', resolve));

    expect(primary.received()).toBe(204800);
  });

  it('when the source fails, then both sides are destroyed with its error', async () => {
    const source = new PassThrough();
    const primary = new PassThrough();
    const secondary = new PassThrough();
    const failures = Promise.all([primary, secondary].map((s) => new Promise((r) => s.on('error', r))));
    teeStream(source, primary, secondary, () => undefined);
    source.destroy(new Error('upstream broke off'));

    expect(((await failures) as Error[]).map((e) => e.message)).toEqual([
      'upstream broke off',
      'upstream broke off',
    ]);
  });
});
