import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RecyclingFileStream } from './recycling-file-stream';

const CHUNK = 1024;
const CONTENT = randomBytes(10 * CHUNK + 123);

describe('RecyclingFileStream', () => {
  let directory: string;
  let file: string;

  beforeAll(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'stowage-recycling-'));
    file = path.join(directory, 'object');
    await writeFile(file, CONTENT);
  });

  afterAll(() => rm(directory, { recursive: true, force: true }));

  /** Reads the stream to its end; `recycle` hands each chunk back as soon as it is copied. */
  async function readAll(stream: RecyclingFileStream, recycle: boolean) {
    const chunks: Buffer[] = [];
    const arrayBuffers = new Set<ArrayBufferLike>();
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      arrayBuffers.add(buffer.buffer);
      chunks.push(Buffer.from(buffer));
      if (recycle) stream.recycle(buffer);
    }
    return { bytes: Buffer.concat(chunks), arrayBuffers: arrayBuffers.size };
  }

  it('when a consumer hands every chunk back, then the whole file comes through in the same buffer', async () => {
    const stream = new RecyclingFileStream(await open(file, 'r'), 0, CONTENT.length - 1, CHUNK);

    const { bytes, arrayBuffers } = await readAll(stream, true);

    expect(bytes.equals(CONTENT)).toBe(true);
    expect(arrayBuffers).toBeLessThanOrEqual(2);
  });

  it('when a consumer keeps its chunks, then each chunk has a buffer of its own and none is overwritten', async () => {
    const stream = new RecyclingFileStream(await open(file, 'r'), 0, CONTENT.length - 1, CHUNK);

    const { bytes, arrayBuffers } = await readAll(stream, false);

    expect(bytes.equals(CONTENT)).toBe(true);
    expect(arrayBuffers).toBe(11);
  });

  it('when asked for a range, then exactly those bytes come through', async () => {
    const stream = new RecyclingFileStream(await open(file, 'r'), 1000, 3500, CHUNK);

    expect((await readAll(stream, true)).bytes.equals(CONTENT.subarray(1000, 3501))).toBe(true);
  });

  it('when the file is shorter than the range it was measured at, then the stream fails instead of ending short', async () => {
    const short = path.join(directory, 'short');
    await writeFile(short, CONTENT);
    const stream = new RecyclingFileStream(await open(short, 'r'), 0, CONTENT.length - 1, CHUNK);
    await truncate(short, 2 * CHUNK);

    await expect(readAll(stream, true)).rejects.toThrow(/file ended at byte 2048/);
  });
});
