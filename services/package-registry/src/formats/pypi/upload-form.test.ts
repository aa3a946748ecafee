import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FilesystemBlobStore } from '@stowage/blob-store';
import { InvalidPackageInputError } from '../../core/package-errors';
import { firstField, readUploadForm } from './upload-form';

const BOUNDARY = 'b0undary';
const LIMITS = { maxFileBytes: 1024, maxMetadataBytes: 256 };

type Part = { name: string; value: string } | { name: string; fileName: string; content: Buffer };

function multipart(parts: Part[], options: { end?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      'fileName' in part
        ? `form-data; name="${part.name}"; filename="${part.fileName}"\r\nContent-Type: application/octet-stream`
        : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push('fileName' in part ? part.content : Buffer.from(part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  if (options.end !== false) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

const HEADERS = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
const FILE = Buffer.from('wheel bytes');

describe('reading a twine upload form', () => {
  let dir: string;
  let blobs: FilesystemBlobStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pypi-form-'));
    blobs = new FilesystemBlobStore({ directory: dir });
    await blobs.initialize();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Objects left in storage (temp files aside). */
  async function storedObjects(): Promise<string[]> {
    const found: string[] = [];
    for await (const info of blobs.list('')) found.push(info.key);
    return found;
  }

  it('when twine sends fields and a file, then the fields are read and the file is staged with its digests', async () => {
    const body = multipart([
      { name: 'name', value: 'demo' },
      { name: 'classifiers', value: 'A' },
      { name: 'classifiers', value: 'B' },
      { name: 'content', fileName: 'demo-1.0.tar.gz', content: FILE },
      { name: ':action', value: 'file_upload' },
    ]);
    const form = await readUploadForm(blobs, HEADERS, Readable.from([body]), LIMITS);
    expect(firstField(form, 'name')).toBe('demo');
    expect(form.fields.get('classifiers')).toEqual(['A', 'B']);
    expect(firstField(form, ':action')).toBe('file_upload');
    expect(form.fileName).toBe('demo-1.0.tar.gz');
    expect(form.staged.sha256).toBe(createHash('sha256').update(FILE).digest('hex'));
    expect(form.staged.size).toBe(FILE.length);
    expect(await storedObjects()).toEqual([form.staged.stagingKey]);
  });

  it('when the file name holds a path, then it is kept as sent (for the name check to refuse)', async () => {
    const body = multipart([{ name: 'content', fileName: '../demo-1.0.tar.gz', content: FILE }]);
    const form = await readUploadForm(blobs, HEADERS, Readable.from([body]), LIMITS);
    expect(form.fileName).toBe('../demo-1.0.tar.gz');
  });

  it.each([
    [
      'the body ends inside the file',
      multipart([{ name: 'content', fileName: 'a.whl', content: FILE }], { end: false }),
      400,
    ],
    [
      'the body ends before any part is complete',
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-da`),
      400,
    ],
    ['there is no file', multipart([{ name: 'name', value: 'demo' }]), 400],
    [
      'there are two files',
      multipart([
        { name: 'content', fileName: 'a.whl', content: FILE },
        { name: 'content', fileName: 'b.whl', content: FILE },
      ]),
      400,
    ],
    [
      'the fields are larger than the metadata limit',
      multipart([
        { name: 'description', value: 'x'.repeat(200) },
        { name: 'summary', value: 'y'.repeat(200) },
        { name: 'content', fileName: 'a.whl', content: FILE },
      ]),
      400,
    ],
    [
      'the file is larger than the limit',
      multipart([{ name: 'content', fileName: 'a.whl', content: Buffer.alloc(2048) }]),
      413,
    ],
  ])('when %s, then it is refused and nothing stays in storage', async (_case, body, status) => {
    await expect(readUploadForm(blobs, HEADERS, Readable.from([body]), LIMITS)).rejects.toMatchObject({
      status,
    });
    expect(await storedObjects()).toEqual([]);
  });

  it('when the client goes away inside the file, then it is refused as incomplete and nothing stays in storage', async () => {
    const body = new Readable({ read() {} });
    body.push(multipart([{ name: 'content', fileName: 'a.whl', content: FILE }], { end: false }));
    setTimeout(() => body.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })), 50);
    await expect(readUploadForm(blobs, HEADERS, body, LIMITS)).rejects.toMatchObject({ status: 400 });
    expect(await storedObjects()).toEqual([]);
  });

  it('when the body is not multipart, then it is refused before reading', async () => {
    await expect(
      readUploadForm(blobs, { 'content-type': 'application/json' }, Readable.from(['{}']), LIMITS),
    ).rejects.toBeInstanceOf(InvalidPackageInputError);
  });

  it('when the multipart type has no boundary, then it is refused', async () => {
    await expect(
      readUploadForm(
        blobs,
        { 'content-type': 'multipart/form-data; charset=utf-8' },
        Readable.from(['x']),
        LIMITS,
      ),
    ).rejects.toBeInstanceOf(InvalidPackageInputError);
  });
});
