import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { FilesystemBlobStore } from '@stowage/blob-store';
import { InvalidPackageInputError } from './package-errors';
import { readStoredZipEntries } from './stored-zip';

function zipOf(entries: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name);
  zip.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

describe('reading entries of a stored zip', () => {
  let dir: string;
  let blobs: FilesystemBlobStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stored-zip-'));
    blobs = new FilesystemBlobStore({ directory: dir });
    await blobs.initialize();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function store(content: Buffer): Promise<number> {
    await blobs.put('packages/uploads/x', content);
    return content.length;
  }

  it('when entries match, then their inflated content is read by range from storage', async () => {
    const size = await store(
      await zipOf({ 'a/METADATA': 'Name: a\n', 'a/RECORD': 'r', 'b/METADATA': 'Name: b\n'.repeat(100) }),
    );
    const found = await readStoredZipEntries(
      blobs,
      'packages/uploads/x',
      size,
      (name) => name.endsWith('/METADATA'),
      4096,
    );
    expect(found.map((entry) => [entry.name, entry.content.toString()])).toEqual([
      ['a/METADATA', 'Name: a\n'],
      ['b/METADATA', 'Name: b\n'.repeat(100)],
    ]);
  });

  it('when an entry is larger than the limit, then it is refused as bad input', async () => {
    const size = await store(await zipOf({ 'a/METADATA': 'x'.repeat(5000) }));
    await expect(
      readStoredZipEntries(blobs, 'packages/uploads/x', size, () => true, 4096),
    ).rejects.toBeInstanceOf(InvalidPackageInputError);
  });

  it('when the object is not a zip, then it is refused as bad input', async () => {
    const size = await store(Buffer.from('not a zip at all'));
    await expect(
      readStoredZipEntries(blobs, 'packages/uploads/x', size, () => true, 4096),
    ).rejects.toBeInstanceOf(InvalidPackageInputError);
  });
});
