import type { UploadProgress } from '@stowage/registry-data';
import { ProgressRecorder } from './progress-recorder';

const progress = (size: number): UploadProgress => ({
  size,
  multipartUploadId: 'mpu',
  parts: [],
  tailKey: null,
  tailSize: 0,
});

/** A save that resolves only when the test says so, and the saves it was asked for. */
function controlledSave() {
  const calls: Array<{ previousSize: number; size: number; finish: (error?: Error) => void }> = [];
  const save = (previousSize: number, next: UploadProgress) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ previousSize, size: next.size, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { save, calls };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ProgressRecorder', () => {
  it('records once enough more is stored, and flush records the rest from where the last record left off', async () => {
    const { save, calls } = controlledSave();
    const recorder = new ProgressRecorder(save, 100, 30);

    recorder.stored(progress(110));
    recorder.stored(progress(120));
    expect(calls).toHaveLength(0);
    recorder.stored(progress(130));
    expect(calls.map(({ previousSize, size }) => [previousSize, size])).toEqual([[100, 130]]);
    calls[0]!.finish();
    await tick();

    recorder.stored(progress(140));
    const flushed = recorder.flush();
    await tick();
    expect(calls.map(({ previousSize, size }) => [previousSize, size])).toEqual([
      [100, 130],
      [130, 140],
    ]);
    calls[1]!.finish();
    await expect(flushed).resolves.toBeUndefined();
  });

  it('keeps one record in flight and records the latest progress after it, never the ones between', async () => {
    const { save, calls } = controlledSave();
    const recorder = new ProgressRecorder(save, 0, 10);

    recorder.stored(progress(10));
    recorder.stored(progress(20));
    recorder.stored(progress(30));
    expect(calls).toHaveLength(1);

    const flushed = recorder.flush();
    calls[0]!.finish();
    await tick();
    expect(calls.map(({ previousSize, size }) => [previousSize, size])).toEqual([
      [0, 10],
      [10, 30],
    ]);
    calls[1]!.finish();
    await flushed;
  });

  it('after a record fails, refuses more progress and flush rejects with that error', async () => {
    const { save, calls } = controlledSave();
    const recorder = new ProgressRecorder(save, 0, 10);
    const conflict = new Error('moved on by another request');

    recorder.stored(progress(10));
    calls[0]!.finish(conflict);
    await tick();

    expect(() => recorder.stored(progress(20))).toThrow(conflict);
    await expect(recorder.flush()).rejects.toThrow(conflict);
    expect(calls).toHaveLength(1);
  });

  it('flush without new progress saves nothing', async () => {
    const { save, calls } = controlledSave();
    await new ProgressRecorder(save, 0, 10).flush();
    expect(calls).toHaveLength(0);
  });
});
