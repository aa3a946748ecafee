import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DiscardedFiles } from './discarded-files';

describe('DiscardedFiles', () => {
  let root: string;
  let trash: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'stowage-discards-'));
    trash = path.join(root, 'trash');
    // The store's temp folder, which its initialize() creates.
    await mkdir(trash);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('when a file is discarded, then its name is gone at once and nothing is left once it settles', async () => {
    const file = path.join(root, 'object');
    await writeFile(file, Buffer.alloc(1024 * 1024, 1));
    const discards = new DiscardedFiles(trash);

    expect(await discards.discard(file)).toBe(true);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await discards.settle();
    expect(await readdir(trash)).toEqual([]);
  });

  it('when asked to discard a folder or a missing file, then it declines and touches nothing', async () => {
    const folder = path.join(root, 'folder');
    await mkdir(folder);
    await writeFile(path.join(folder, 'inside'), 'kept');
    const discards = new DiscardedFiles(trash);

    expect(await discards.discard(folder)).toBe(false);
    expect(await discards.discard(path.join(root, 'missing'))).toBe(false);
    expect(await readdir(folder)).toEqual(['inside']);
    expect(await readdir(trash)).toEqual([]);
  });

  it('recognises what it leaves behind, and nothing else', () => {
    expect(DiscardedFiles.isLeftover('discarded-0b6f0e0a-7a4e-4c55-9a1d-1f7d8b1c2e3f')).toBe(true);
    expect(DiscardedFiles.isLeftover('upload-0b6f0e0a')).toBe(false);
  });
});
