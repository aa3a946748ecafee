import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { holdLastChunk } from './hold-last-chunk';

async function collect(
  chunks: string[],
  verdict: Promise<unknown>,
): Promise<{ received: string; error?: Error }> {
  let received = '';
  try {
    await pipeline(
      Readable.from(chunks.map((c) => Buffer.from(c))),
      holdLastChunk(verdict),
      async (source) => {
        for await (const chunk of source) received += String(chunk);
      },
    );
    return { received };
  } catch (error) {
    return { received, error: error as Error };
  }
}

describe('holdLastChunk', () => {
  it('when the verdict is good, then every byte passes', async () => {
    expect(await collect(['ab', 'cd', 'ef'], Promise.resolve())).toEqual({ received: 'abcdef' });
  });

  it('when the verdict is bad, then the last chunk never goes out and the stream errors', async () => {
    const outcome = await collect(['ab', 'cd', 'ef'], Promise.reject(new Error('digest mismatch')));
    expect(outcome.received).toBe('abcd');
    expect(outcome.error?.message).toBe('digest mismatch');
  });
});
