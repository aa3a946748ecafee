import { waitUntil } from '../processes';
import { MAX_FILE_BYTES } from './package-stack';
import { truncatedPut } from './truncated-put';
import type { PackageFixture } from './package-fixture';

/**
 * Bad twine uploads through the gateway: each must answer GitLab's JSON error (4xx, never a 500)
 * and store nothing, neither a package nor an object. The bodies are written out by hand, since
 * form-data libraries would not send a broken one.
 */

const BOUNDARY = 'stowage-e2e-boundary';
const CONTENT_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

interface Form {
  fields: Record<string, string>;
  fileName: string;
  content: Buffer;
}

function multipart(form: Form, options: { complete?: boolean } = {}): Buffer {
  const parts = Object.entries(form.fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const fileHead =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="content"; filename="${form.fileName}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n';
  const tail = options.complete === false ? '' : `\r\n--${BOUNDARY}--\r\n`;
  return Buffer.concat([Buffer.from(parts.join('') + fileHead), form.content, Buffer.from(tail)]);
}

const sdist = (fields: Record<string, string>, fileName: string, content = Buffer.from('sdist')): Form => ({
  fields: { ':action': 'file_upload', name: 'bad-pkg', version: '1.0', ...fields },
  fileName,
  content,
});

export function pypiBadInputScenarios(fx: PackageFixture): void {
  fx.step('bad twine uploads answer GitLab errors and store nothing', async () => {
    const { ids, stack } = fx.world();
    const project = ids.projects.internal;
    const uploadPath = `/projects/${project.id}/packages/pypi`;
    const as = { credential: ids.members.developer, via: 'private-token' as const };
    const before = await stack.storedKeys('packages/files/');
    const stagedBefore = (await stack.storedKeys('packages/uploads/')).sort();
    const refusals: [string, Buffer | string, string, number][] = [
      ['a malformed name', multipart(sdist({ name: '-bad' }, 'bad-1.0.tar.gz')), CONTENT_TYPE, 400],
      [
        'a malformed version',
        multipart(sdist({ version: '1.0.x' }, 'bad_pkg-1.0.x.tar.gz')),
        CONTENT_TYPE,
        400,
      ],
      ['a file of another project', multipart(sdist({}, 'other-1.0.tar.gz')), CONTENT_TYPE, 400],
      ['../ in the file name', multipart(sdist({}, '../bad_pkg-1.0.tar.gz')), CONTENT_TYPE, 400],
      ['an absolute file name', multipart(sdist({}, '/tmp/bad_pkg-1.0.tar.gz')), CONTENT_TYPE, 400],
      [
        'a wrong sha256',
        multipart(sdist({ sha256_digest: '0'.repeat(64) }, 'bad_pkg-1.0.tar.gz')),
        CONTENT_TYPE,
        400,
      ],
      ['a wheel that is not a zip', multipart(sdist({}, 'bad_pkg-1.0-py3-none-any.whl')), CONTENT_TYPE, 400],
      [
        'a multipart body cut inside the file',
        multipart(sdist({}, 'bad_pkg-1.0.tar.gz'), { complete: false }),
        CONTENT_TYPE,
        400,
      ],
      ['a body that is not multipart', '{"name":"bad-pkg"}', 'application/json', 400],
      [
        'no file',
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nbad-pkg\r\n--${BOUNDARY}--\r\n`,
        CONTENT_TYPE,
        400,
      ],
      [
        'an oversized file',
        multipart(sdist({}, 'bad_pkg-1.0.tar.gz', Buffer.alloc(MAX_FILE_BYTES + 1))),
        CONTENT_TYPE,
        413,
      ],
    ];
    for (const [what, body, contentType, status] of refusals) {
      const response = await fx.call('POST', uploadPath, {
        as,
        headers: { 'Content-Type': contentType },
        body,
      });
      const text = await response.text();
      expect({ what, status: response.status }).toEqual({ what, status });
      expect({ what, body: JSON.parse(text) as unknown }).toEqual({
        what,
        body: { message: expect.any(String) },
      });
    }
    await truncatedPut(
      stack.base,
      uploadPath,
      as.credential.secret,
      multipart(sdist({}, 'bad_pkg-1.0.tar.gz')),
      {
        method: 'POST',
        contentType: CONTENT_TYPE,
      },
    );
    const page = await fx.call('GET', `${uploadPath}/simple/bad-pkg/`, { as });
    expect(page.status).toBe(404);
    expect((await stack.storedKeys('packages/files/')).sort()).toEqual(before.sort());
    // Staged uploads are removed too; the cut-short one as soon as the server notices the hang-up.
    const staged = async () => JSON.stringify((await stack.storedKeys('packages/uploads/')).sort());
    await waitUntil(async () => ((await staged()) === JSON.stringify(stagedBefore) ? true : undefined), {
      timeoutMs: 10_000,
      description: 'no staged upload to be left',
    });
  });
}
