import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { readPublishDocument, type AttachmentSink } from './publish-document';

/** A body cut into small pieces, so strings and base64 quanta arrive split. */
function bodyOf(text: string, pieceSize = 7): Readable {
  const pieces: Buffer[] = [];
  const bytes = Buffer.from(text);
  for (let start = 0; start < bytes.length; start += pieceSize)
    pieces.push(bytes.subarray(start, start + pieceSize));
  return Readable.from(pieces);
}

function collectingSink() {
  const staged: Buffer[] = [];
  const discarded: Buffer[] = [];
  const sink: AttachmentSink<Buffer> = {
    async stage(_key, bytes) {
      const data = await buffer(bytes);
      staged.push(data);
      return data;
    },
    async discard(data) {
      discarded.push(data);
    },
  };
  return { sink, staged, discarded };
}

const tarball = Buffer.from('not really a tarball, but bytes \u0000\u0001\u00ff of some length');

function publishBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    _id: '@scope/pkg',
    name: '@scope/pkg',
    'dist-tags': { latest: '1.0.0' },
    versions: { '1.0.0': { name: '@scope/pkg', version: '1.0.0', dist: { shasum: 'x' } } },
    _attachments: {
      '@scope/pkg-1.0.0.tgz': {
        content_type: 'application/octet-stream',
        data: tarball.toString('base64'),
        length: tarball.length,
      },
    },
    ...extra,
  });
}

describe('readPublishDocument', () => {
  it('when a publish document streams in pieces, then the tarball is decoded into the sink and the rest assembled', async () => {
    const { sink, staged } = collectingSink();
    const result = await readPublishDocument(bodyOf(publishBody()), { maxMetadataBytes: 10_000 }, sink);
    expect(staged).toHaveLength(1);
    expect(staged[0]!.equals(tarball)).toBe(true);
    expect(result.attachment?.key).toBe('@scope/pkg-1.0.0.tgz');
    expect(result.document.name).toBe('@scope/pkg');
    expect((result.document.versions as Record<string, { version: string }>)['1.0.0']!.version).toBe('1.0.0');
    expect(
      (result.document._attachments as Record<string, { data: string; length: number }>)[
        '@scope/pkg-1.0.0.tgz'
      ],
    ).toEqual({
      content_type: 'application/octet-stream',
      data: '',
      length: tarball.length,
    });
  });

  it('when the document has no attachment (npm deprecate), then it is read whole and nothing is staged', async () => {
    const { sink, staged } = collectingSink();
    const body = JSON.stringify({ name: 'pkg', versions: { '1.0.0': { deprecated: 'old' } } });
    const result = await readPublishDocument(bodyOf(body), { maxMetadataBytes: 10_000 }, sink);
    expect(result.attachment).toBeNull();
    expect(staged).toHaveLength(0);
    expect(result.document).toEqual({ name: 'pkg', versions: { '1.0.0': { deprecated: 'old' } } });
  });

  it('when the JSON breaks after the tarball, then it is refused as 400 and nothing stays staged', async () => {
    const { sink, staged, discarded } = collectingSink();
    const broken = publishBody().slice(0, -1) + ', "x": }';
    await expect(
      readPublishDocument(bodyOf(broken), { maxMetadataBytes: 10_000 }, sink),
    ).rejects.toMatchObject({
      status: 400,
    });
    expect(discarded).toHaveLength(staged.length);
  });

  it('when the metadata around the tarball is over the limit, then it is refused as 413', async () => {
    const { sink } = collectingSink();
    const body = publishBody({ readme: 'x'.repeat(5_000) });
    await expect(
      readPublishDocument(bodyOf(body, 512), { maxMetadataBytes: 2_000 }, sink),
    ).rejects.toMatchObject({
      status: 413,
    });
  });

  it('when the tarball alone is larger than the metadata limit, then it is still accepted (only metadata counts)', async () => {
    const { sink, staged } = collectingSink();
    const big = Buffer.alloc(50_000, 7);
    const body = JSON.stringify({
      name: 'pkg',
      _attachments: { 'pkg-1.0.0.tgz': { data: big.toString('base64') } },
    });
    await readPublishDocument(bodyOf(body, 1000), { maxMetadataBytes: 1_000 }, sink);
    expect(staged[0]!.equals(big)).toBe(true);
  });

  it('when the attachment data is not base64, then it is refused as 400', async () => {
    const { sink } = collectingSink();
    const body = JSON.stringify({ name: 'pkg', _attachments: { 'pkg-1.0.0.tgz': { data: 'not base64!' } } });
    await expect(readPublishDocument(bodyOf(body), { maxMetadataBytes: 1_000 }, sink)).rejects.toMatchObject({
      status: 400,
    });
  });

  it('when two attachments are sent, then it is refused as 400 and the first discarded', async () => {
    const { sink, staged, discarded } = collectingSink();
    const body = JSON.stringify({ _attachments: { a: { data: 'AAAA' }, b: { data: 'AAAA' } } });
    await expect(readPublishDocument(bodyOf(body), { maxMetadataBytes: 1_000 }, sink)).rejects.toMatchObject({
      status: 400,
    });
    expect(staged).toHaveLength(1);
    expect(discarded).toHaveLength(1);
  });

  it.each([
    ['a truncated document', '{"name": "pkg", "versions": {'],
    ['an array', '[1, 2]'],
    ['a prototype key', '{"__proto__": {"polluted": true}}'],
    ['two documents', '{} {}'],
  ])('when the body is %s, then it is refused as 400', async (_what, body) => {
    const { sink } = collectingSink();
    await expect(readPublishDocument(bodyOf(body), { maxMetadataBytes: 1_000 }, sink)).rejects.toMatchObject({
      status: 400,
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
