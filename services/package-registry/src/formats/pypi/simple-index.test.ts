import {
  projectListHtml,
  projectListJson,
  projectPageHtml,
  projectPageJson,
  type IndexFile,
} from './simple-index';

const WHEEL: IndexFile = {
  fileName: 'demo-1.0-py3-none-any.whl',
  url: '/api/v4/projects/1/packages/pypi/files/aa/demo-1.0-py3-none-any.whl',
  sha256: 'a'.repeat(64),
  size: 1022,
  uploadedAt: new Date('2026-12-07T00:00:00.000Z'),
  version: '1.0',
  requiresPython: '>=3.8,<4',
  coreMetadataSha256: 'b'.repeat(64),
};
const SDIST: IndexFile = {
  ...WHEEL,
  fileName: 'demo-1.0.tar.gz',
  url: '/api/v4/projects/1/packages/pypi/files/cc/demo-1.0.tar.gz',
  sha256: 'c'.repeat(64),
  requiresPython: null,
  coreMetadataSha256: null,
};

describe('the simple index (HTML, PEP 503)', () => {
  it('when a project page is rendered, then each file links with its hash, escaped Requires-Python and core metadata', () => {
    const html = projectPageHtml('demo', [WHEEL, SDIST]);
    expect(html).toContain('<meta name="pypi:repository-version" content="1.1">');
    expect(html).toContain(
      `<a href="${WHEEL.url}#sha256=${WHEEL.sha256}" data-requires-python="&gt;=3.8,&lt;4" ` +
        `data-core-metadata="sha256=${'b'.repeat(64)}" data-dist-info-metadata="sha256=${'b'.repeat(64)}">` +
        'demo-1.0-py3-none-any.whl</a>',
    );
    expect(html).toContain(`<a href="${SDIST.url}#sha256=${SDIST.sha256}">demo-1.0.tar.gz</a>`);
  });

  it('when names hold markup, then it is escaped in text and attributes', () => {
    const html = projectListHtml([{ name: '<x>"&', url: '/simple/"x"/' }]);
    expect(html).toContain('<a href="/simple/&quot;x&quot;/">&lt;x&gt;&quot;&amp;</a>');
    expect(html).not.toContain('<x>');
  });
});

describe('the simple index (JSON, PEP 691)', () => {
  it('when a project page is rendered, then files carry hashes, sizes, times and core-metadata but never dist-info-metadata', () => {
    const page = projectPageJson('demo', [WHEEL, SDIST]) as Record<string, unknown>;
    expect(page).toEqual({
      meta: { 'api-version': '1.1' },
      name: 'demo',
      versions: ['1.0'],
      files: [
        {
          filename: WHEEL.fileName,
          url: WHEEL.url,
          hashes: { sha256: WHEEL.sha256 },
          'requires-python': '>=3.8,<4',
          'core-metadata': { sha256: 'b'.repeat(64) },
          size: 1022,
          'upload-time': '2026-12-07T00:00:00.000000Z',
          yanked: false,
        },
        {
          filename: SDIST.fileName,
          url: SDIST.url,
          hashes: { sha256: SDIST.sha256 },
          size: 1022,
          'upload-time': '2026-12-07T00:00:00.000000Z',
          yanked: false,
        },
      ],
    });
    expect(JSON.stringify(page)).not.toContain('dist-info-metadata');
  });

  it('when the project list is rendered, then it names each project', () => {
    expect(projectListJson([{ name: 'Demo', url: '/simple/demo/' }])).toEqual({
      meta: { 'api-version': '1.1' },
      projects: [{ name: 'Demo' }],
    });
  });
});
