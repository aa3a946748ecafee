import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ChunkPool } from './chunk-pool';
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
    const stream = new RecyclingFileStream(
      await open(file, 'r'),
      0,
      CONTENT.length - 1,
      new ChunkPool(CHUNK, 4),
    );

    const { bytes, arrayBuffers } = await readAll(stream, true);

    expect(bytes.equals(CONTENT)).toBe(true);
    expect(arrayBuffers).toBeLessThanOrEqual(2);
  });

  it('when a consumer keeps its chunks, then each chunk has a buffer of its own and none is overwritten', async () => {
    const stream = new RecyclingFileStream(
      await open(file, 'r'),
      0,
      CONTENT.length - 1,
      new ChunkPool(CHUNK, 4),
    );

    const { bytes, arrayBuffers } = await readAll(stream, false);

    expect(bytes.equals(CONTENT)).toBe(true);
    expect(arrayBuffers).toBe(11);
  });

  it('when two streams share a pool one after the other, then the second reads into the buffers the first handed back', async () => {
    const pool = new ChunkPool(CHUNK, 4);
    const first = await readAll(new RecyclingFileStream(await open(file, 'r'), 0, 2 * CHUNK - 1, pool), true);
    const taken = pool.take();
    pool.give(taken);

    const second = new RecyclingFileStream(await open(file, 'r'), 0, CONTENT.length - 1, pool);
    const seen = new Set<ArrayBufferLike>();
    const chunks: Buffer[] = [];
    for await (const chunk of second) {
      seen.add((chunk as Buffer).buffer);
      chunks.push(Buffer.from(chunk as Buffer));
      second.recycle(chunk as Buffer);
    }

    expect(first.bytes.equals(CONTENT.subarray(0, 2 * CHUNK))).toBe(true);
    expect(Buffer.concat(chunks).equals(CONTENT)).toBe(true);
    expect(seen.has(taken.buffer)).toBe(true);
  });

  it('when asked for a range, then exactly those bytes come through', async () => {
    const stream = new RecyclingFileStream(await open(file, 'r'), 1000, 3500, new ChunkPool(CHUNK, 4));

    expect((await readAll(stream, true)).bytes.equals(CONTENT.subarray(1000, 3501))).toBe(true);
  });

  it('when the file is shorter than the range it was measured at, then the stream fails instead of ending short', async () => {
    const short = path.join(directory, 'short');
    await writeFile(short, CONTENT);
    const stream = new RecyclingFileStream(
      await open(short, 'r'),
      0,
      CONTENT.length - 1,
      new ChunkPool(CHUNK, 4),
    );
    await truncate(short, 2 * CHUNK);

    await expect(readAll(stream, true)).rejects.toThrow(/file ended at byte 2048/);
  });
});
