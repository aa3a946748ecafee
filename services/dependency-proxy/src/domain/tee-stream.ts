import type { Readable, Writable } from 'node:stream';

/**
 * Copies `source` into `primary` and, while it is there, `secondary`, at the pace of the slower
 * of the two. `secondary` may go away at any time (a client that hung up): the copy to `primary`
 * goes on without it. A source that fails destroys both with its error; one that ends ends both.
 * `onChunk` sees every chunk once, before it is written.
 */
export function teeStream(
  source: Readable,
  primary: Writable,
  secondary: Writable | null,
  onChunk: (chunk: Buffer) => void,
): void {
  let secondaryGone = secondary === null;
  const resume = () => {
    if (!primary.writableNeedDrain && (secondaryGone || !secondary!.writableNeedDrain)) source.resume();
  };
  secondary?.on('close', () => {
    secondaryGone = true;
    resume();
  });
  secondary?.on('drain', resume);
  primary.on('drain', resume);
  source.on('data', (chunk: Buffer) => {
    onChunk(chunk);
    const primaryReady = primary.write(chunk);
    const secondaryReady = secondaryGone || secondary!.write(chunk);
    if (!primaryReady || !secondaryReady) source.pause();
  });
  source.once('end', () => {
    primary.end();
    if (!secondaryGone) secondary!.end();
  });
  source.once('error', (error) => {
    primary.destroy(error);
    secondary?.destroy(error);
  });
}
