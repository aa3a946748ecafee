import { finished, type Readable, type Writable } from 'node:stream';

/** A stream that takes its chunks back for reuse once they have been written out. */
interface RecyclingReadable extends Readable {
  recycle(chunk: Buffer): void;
}

const recycles = (source: Readable): source is RecyclingReadable =>
  typeof (source as Partial<RecyclingReadable>).recycle === 'function';

/**
 * Streams `source` into `target` (a response) and reports once: with an error when either side
 * broke off, without one when `target` has everything. The caller decides what a failure ends.
 * (What stream.pipeline does, without the AbortController it aborts at every finish: that builds a
 * DOMException and its stack trace per request, a measurable share of a busy process's time.)
 * A source that recycles its buffers (blob storage's file streams) gets each chunk back once
 * `target` has flushed it.
 */
export function relayBody(
  source: Readable,
  target: Writable,
  done: (error: Error | undefined) => void,
): void {
  let settled = false;
  const settle = (error: Error | null | undefined) => {
    if (settled) return;
    settled = true;
    stopWatchingSource();
    stopWatchingTarget();
    done(error ?? undefined);
  };
  const stopWatchingSource = finished(source, (error) => {
    if (error) settle(error);
  });
  const stopWatchingTarget = finished(target, settle);
  if (recycles(source)) pipeRecycling(source, target);
  else source.pipe(target);
}

/** Streams `source` into `target` like relayBody; rejects, with both destroyed, if either breaks off. */
export function sendBody(source: Readable, target: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    relayBody(source, target, (error) => {
      if (!error) return resolve();
      source.destroy();
      target.destroy();
      reject(error);
    });
  });
}

/** `source.pipe(target)`, except that each chunk goes back to the source once written out. */
function pipeRecycling(source: RecyclingReadable, target: Writable): void {
  const resume = () => source.resume();
  source.on('data', (chunk: Buffer) => {
    // The callback runs once the chunk has been handed to the socket, or the write failed. After a
    // failure the buffer is left to the garbage collector: the pool lends it to other downloads, and
    // nothing here can promise that a broken-off write no longer reads it.
    const written = target.write(chunk, (error) => {
      if (!error) source.recycle(chunk);
    });
    if (!written) {
      source.pause();
      target.once('drain', resume);
    }
  });
  source.once('end', () => target.end());
}
