import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppendedParts } from './appended-parts';

describe('AppendedParts lock', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'stowage-appended-'));
  });
  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('when a lock is held, then nobody else gets it until it is released', () => {
    const parts = new AppendedParts(directory, 'upload');
    const release = parts.lock();

    expect(release).not.toBeNull();
    expect(parts.lock()).toBeNull();
    release!();
    expect(parts.lock()).not.toBeNull();
  });

  it('when a release is called twice, then the second does not remove the next holder’s lock', () => {
    const parts = new AppendedParts(directory, 'upload');
    const first = parts.lock()!;
    first();
    const second = parts.lock();

    first();

    expect(second).not.toBeNull();
    expect(existsSync(path.join(directory, 'append.lock'))).toBe(true);
    expect(parts.lock()).toBeNull();
  });
});
