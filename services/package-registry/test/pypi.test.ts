import { createHash } from 'node:crypto';
import request from 'supertest';
import yazl from 'yazl';
import { FakeIdentity, ROLE } from './support/fake-identity';
import { openRegistryApp, REGISTRY_APP_TIMEOUT_MS, type RegistryAppFixture } from './support/registry-app';

// The PyPI format over HTTP on PGlite and a filesystem store, with an identity stand-in that
// grants a Developer token on project 7 (`team/app`, in group 3 `team`) and a read-only token:
// twine's upload, the simple index in both representations, files, PEP 658 metadata, and the
// refusals that must leave nothing behind.

const DEVELOPER = 'dev-token';
const READER = 'reader-token';

/** Both tokens see the group `team`; anonymous callers see nothing. */
const identity = new FakeIdentity();
identity.groups.push({ id: 3, fullPath: 'team', visibility: 'private' });
identity.projects.push({ id: 7, fullPath: 'team/app', visibility: 'private' });
identity.users.push(
  { id: 1, username: 'dev', token: DEVELOPER, roles: { team: ROLE.guest, 'team/app': ROLE.developer } },
  { id: 2, username: 'reader', token: READER, roles: { team: ROLE.guest, 'team/app': ROLE.reporter } },
);

let fx: RegistryAppFixture;
let app: RegistryAppFixture['app'];

beforeAll(async () => {
  fx = await openRegistryApp({
    identity,
    externalUrl: 'http://stowage.test/prefix',
    limits: { maxFileBytes: 64 * 1024, maxMetadataBytes: 16 * 1024 },
  });
  app = fx.app;
}, REGISTRY_APP_TIMEOUT_MS);

afterAll(async () => {
  await fx?.close();
}, REGISTRY_APP_TIMEOUT_MS);

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

const METADATA = 'Metadata-Version: 2.1\nName: Demo.Pkg\nVersion: 1.0\nRequires-Python: >=3.8\n\nhello\n';

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

const wheelOf = (metadata = METADATA) =>
  zipOf({ 'demo/__init__.py': 'VALUE = 1\n', 'demo_pkg-1.0.dist-info/METADATA': metadata });

const UPLOAD = '/api/v4/projects/7/packages/pypi';
const SIMPLE = '/api/v4/projects/7/packages/pypi/simple';
const PIP_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

/** twine's form: fields, then the file as `content`. */
function upload(
  file: Buffer,
  fileName: string,
  fields: Record<string, string> = {},
  token: string | null = DEVELOPER,
) {
  const call = request(app).post(UPLOAD);
  if (token) call.auth('__token__', token);
  const form = {
    ':action': 'file_upload',
    name: 'Demo.Pkg',
    version: '1.0',
    requires_python: '>=3.8',
    sha256_digest: sha256(file),
    md5_digest: md5(file),
    ...fields,
  };
  for (const [name, value] of Object.entries(form)) call.field(name, value);
  return call.attach('content', file, fileName);
}

async function storedKeys(): Promise<string[]> {
  return (await fx.objectKeys()).sort();
}

describe('PyPI packages', () => {
  let wheel: Buffer;
  const sdist = Buffer.from('an sdist, not parsed by the registry');

  beforeAll(async () => {
    wheel = await wheelOf();
  });

  it('when twine uploads a wheel and an sdist, then both are stored content-addressed and answered 201', async () => {
    const first = await upload(wheel, 'demo_pkg-1.0-py3-none-any.whl');
    expect([first.status, first.body]).toEqual([201, { message: '201 Created' }]);
    expect((await upload(sdist, 'Demo.Pkg-1.0.tar.gz')).status).toBe(201);
    expect(await storedKeys()).toEqual(
      [sha256(wheel), sha256(sdist)].map((hex) => `packages/files/sha256/${hex.slice(0, 2)}/${hex}`).sort(),
    );
  });

  it("when the same file name is uploaded again, then GitLab's 400 says it is taken (twine --skip-existing reads it)", async () => {
    const again = await upload(wheel, 'demo_pkg-1.0-py3-none-any.whl');
    expect(again.status).toBe(400);
    expect(again.body.message).toContain('File name has already been taken');
  });

  it("when pip asks for the project page, then PEP 691 JSON lists both files with hashes and the wheel's core metadata", async () => {
    const page = await request(app)
      .get(`${SIMPLE}/demo-pkg/`)
      .auth('__token__', READER)
      .set('Accept', PIP_ACCEPT);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('application/vnd.pypi.simple.v1+json');
    expect(page.headers.vary).toContain('Accept');
    const body = JSON.parse(page.text as string) as { name: string; files: Record<string, unknown>[] };
    expect(body.name).toBe('demo-pkg');
    expect(body.files.map((file) => [file.filename, file.url, file.hashes, file['core-metadata']])).toEqual([
      [
        'demo_pkg-1.0-py3-none-any.whl',
        `/prefix/api/v4/projects/7/packages/pypi/files/${sha256(wheel)}/demo_pkg-1.0-py3-none-any.whl`,
        { sha256: sha256(wheel) },
        { sha256: sha256(METADATA) },
      ],
      [
        'Demo.Pkg-1.0.tar.gz',
        `/prefix/api/v4/projects/7/packages/pypi/files/${sha256(sdist)}/Demo.Pkg-1.0.tar.gz`,
        { sha256: sha256(sdist) },
        undefined,
      ],
    ]);
  });

  it('when a client asks without Accept, then PEP 503 HTML links each file with its hash and escaped Requires-Python', async () => {
    const page = await request(app).get(`${SIMPLE}/demo-pkg/`).auth('__token__', READER);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain(
      `#sha256=${sha256(wheel)}" data-requires-python="&gt;=3.8" data-core-metadata="sha256=${sha256(METADATA)}"`,
    );
    const list = await request(app).get(`${SIMPLE}/`).auth('__token__', READER);
    expect(list.text).toContain(
      '<a href="/prefix/api/v4/projects/7/packages/pypi/simple/demo-pkg/">Demo.Pkg</a>',
    );
  });

  it('when the name is not normalised, then pip is redirected to the normalised page', async () => {
    const page = await request(app).get(`${SIMPLE}/Demo_Pkg`).auth('__token__', READER);
    expect(page.status).toBe(301);
    expect(page.headers.location).toBe('/prefix/api/v4/projects/7/packages/pypi/simple/demo-pkg/');
  });

  it('when the wheel, its .metadata and the sdist are downloaded, then they are the bytes uploaded and announced', async () => {
    const base = `/api/v4/projects/7/packages/pypi/files`;
    const got = await request(app)
      .get(`${base}/${sha256(wheel)}/demo_pkg-1.0-py3-none-any.whl`)
      .auth('__token__', READER)
      .buffer(true);
    expect(sha256(got.body as Buffer)).toBe(sha256(wheel));
    const metadata = await request(app)
      .get(`${base}/${sha256(wheel)}/demo_pkg-1.0-py3-none-any.whl.metadata`)
      .auth('__token__', READER);
    expect(metadata.status).toBe(200);
    expect(sha256(metadata.text)).toBe(sha256(METADATA));
    const none = await request(app)
      .get(`${base}/${sha256(sdist)}/Demo.Pkg-1.0.tar.gz.metadata`)
      .auth('__token__', READER);
    expect(none.status).toBe(404);
    const wrongHash = await request(app)
      .get(`${base}/${'0'.repeat(64)}/Demo.Pkg-1.0.tar.gz`)
      .auth('__token__', READER);
    expect(wrongHash.status).toBe(404);
  });

  it("when the group index is asked, then it lists the project's files under the group's own file route", async () => {
    const page = await request(app)
      .get('/api/v4/groups/team/-/packages/pypi/simple/demo-pkg/')
      .auth('__token__', READER)
      .set('Accept', 'application/vnd.pypi.simple.v1+json');
    expect(page.status).toBe(200);
    const body = JSON.parse(page.text as string) as { files: { url: string }[] };
    const url = body.files[0]!.url;
    expect(url).toBe(
      `/prefix/api/v4/groups/3/-/packages/pypi/files/${sha256(wheel)}/demo_pkg-1.0-py3-none-any.whl`,
    );
    const file = await request(app).get(url.replace('/prefix', '')).auth('__token__', READER).buffer(true);
    expect(sha256(file.body as Buffer)).toBe(sha256(wheel));
  });

  describe('refusals store nothing', () => {
    let before: string[];
    beforeEach(async () => {
      before = await storedKeys();
    });
    afterEach(async () => {
      expect(await storedKeys()).toEqual(before);
    });

    it('when an anonymous client uploads, then 401 with a Basic challenge', async () => {
      const answer = await upload(sdist, 'demo_pkg-2.0.tar.gz', { version: '2.0' }, null);
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Basic realm=/);
    });

    it('when a read-only token uploads, then 403', async () => {
      expect((await upload(sdist, 'demo_pkg-2.0.tar.gz', { version: '2.0' }, READER)).status).toBe(403);
    });

    it.each([
      ['a malformed name', { name: '-demo', version: '2.0' }, 'demo-2.0.tar.gz'],
      ['a malformed version', { version: '2.0.x' }, 'demo_pkg-2.0.x.tar.gz'],
      ['a file of another version', { version: '2.0' }, 'demo_pkg-3.0.tar.gz'],
      ['a wrong sha256', { version: '2.0', sha256_digest: '0'.repeat(64) }, 'demo_pkg-2.0.tar.gz'],
      ['a malformed md5', { version: '2.0', md5_digest: 'xyz' }, 'demo_pkg-2.0.tar.gz'],
      ['another action', { version: '2.0', ':action': 'remove_pkg' }, 'demo_pkg-2.0.tar.gz'],
      ['a wheel that is not a zip', { version: '2.0' }, 'demo_pkg-2.0-py3-none-any.whl'],
    ])('when the upload has %s, then 400', async (_case, fields, fileName) => {
      const answer = await upload(sdist, fileName, fields);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(/^400 Bad Request - /);
    });

    it('when the file name holds a path, then 400 (form-data clients cut it, so the body is written out)', async () => {
      const part = (name: string, value: string) =>
        `--XX\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const answer = await request(app)
        .post(UPLOAD)
        .auth('__token__', DEVELOPER)
        .set('Content-Type', 'multipart/form-data; boundary=XX')
        .send(
          `${part('name', 'Demo.Pkg')}${part('version', '2.0')}` +
            '--XX\r\nContent-Disposition: form-data; name="content"; filename="../demo_pkg-2.0.tar.gz"\r\n\r\n' +
            'abc\r\n--XX--\r\n',
        );
      expect(answer.status).toBe(400);
      expect(answer.body.message).toContain('single path segment');
    });

    it('when the multipart body breaks off inside the file, then 400', async () => {
      const answer = await request(app)
        .post(UPLOAD)
        .auth('__token__', DEVELOPER)
        .set('Content-Type', 'multipart/form-data; boundary=XX')
        .send(
          '--XX\r\nContent-Disposition: form-data; name="content"; filename="demo_pkg-2.0.tar.gz"\r\n\r\nabc',
        );
      expect(answer.status).toBe(400);
    });

    it('when the file is over the limit, then 413', async () => {
      const answer = await upload(Buffer.alloc(70 * 1024), 'demo_pkg-2.0.tar.gz', { version: '2.0' });
      expect(answer.status).toBe(413);
    });
  });
});
