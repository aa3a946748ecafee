import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '@stowage/testing';
import { succeeded } from '../client-runs';
import type { PackageFixture } from './package-fixture';
import { MAX_FILE_BYTES } from './package-stack';
import { truncatedPut } from './truncated-put';

/**
 * Generic packages end to end: curl uploads and downloads as GitLab's docs show it, checksums,
 * the group's duplicate setting, hidden packages, and bad input that must store nothing.
 */

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface PackageFileJson {
  id: number;
  file_name: string;
  size: number;
  file_md5: string;
  file_sha1: string;
  file_sha256: string;
}

async function packagesNamed(fx: PackageFixture, projectId: number, name: string, query = '') {
  const response = await fx.call(
    'GET',
    `/projects/${projectId}/packages?package_name=${name}&per_page=100${query}`,
    {
      headers: { 'Private-Token': fx.world().stack.rootToken },
    },
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { name: string; version: string; status: string }[]).filter(
    (pkg) => pkg.name === name,
  );
}

export function genericScenarios(fx: PackageFixture): void {
  const uploadPath = (projectId: number, name: string, version: string, file: string) =>
    `/projects/${projectId}/packages/generic/${name}/${version}/${file}`;

  fx.step(
    'curl uploads a generic file with a token and downloads the same bytes with each way of presenting it',
    async () => {
      const { ids, stack } = fx.world();
      const dir = await fx.tempDir('generic');
      const contents = randomBytes(3 * 1024 * 1024);
      const file = path.join(dir, 'tool.tar.gz');
      await writeFile(file, contents);
      const project = ids.projects.private;
      const url = `${stack.base}/api/v4${uploadPath(project.id, 'tool', '1.2.3', 'tool.tar.gz')}`;
      const developer = ids.members.developer;
      const upload = succeeded(
        await runCommand(
          'curl',
          [
            '-sS',
            '--fail-with-body',
            '--header',
            `PRIVATE-TOKEN: ${developer.secret}`,
            '--upload-file',
            file,
            `${url}?select=package_file`,
          ],
          process.env,
        ),
        'curl --upload-file',
      );
      const stored = JSON.parse(upload.stdout) as PackageFileJson;
      expect(stored).toMatchObject({
        file_name: 'tool.tar.gz',
        size: contents.length,
        file_sha256: sha256(contents),
      });
      expect(stored.file_md5).toBe(createHash('md5').update(contents).digest('hex'));
      expect(stored.file_sha1).toBe(createHash('sha1').update(contents).digest('hex'));

      const download = path.join(dir, 'downloaded');
      succeeded(
        await runCommand(
          'curl',
          ['-sS', '--fail', '--user', `${developer.username}:${developer.secret}`, '-o', download, url],
          process.env,
        ),
        'curl download with Basic',
      );
      const ways: Record<string, string>[] = [
        { 'Private-Token': developer.secret },
        { Authorization: `Bearer ${developer.secret}` },
        { 'Deploy-Token': ids.deployRead.secret },
        { 'Job-Token': ids.jobTokens.get(project.id)!.secret },
      ];
      for (const headers of ways) {
        const response = await fetch(url, { headers });
        expect(response.status).toBe(200);
        expect(response.headers.get('x-checksum-sha256')).toBe(sha256(contents));
        expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(contents));
      }
    },
  );

  fx.step(
    'a duplicate file is refused when the group disallows duplicates, unless it matches the exception',
    async () => {
      const { ids, stack } = fx.world();
      const project = ids.projects.public;
      const as = { credential: ids.members.maintainer, via: 'private-token' as const };
      const put = (name: string, body: string) =>
        fx.call('PUT', uploadPath(project.id, name, '1.0.0', 'a.txt'), { as, body });
      expect((await put('dup', 'one')).status).toBe(201);
      expect((await put('dup', 'two')).status).toBe(201); // allowed by default, as GitLab
      const settings = await fx.call('PUT', `/groups/${ids.group.id}/packages/settings`, {
        headers: { 'Private-Token': stack.rootToken, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          generic_duplicates_allowed: false,
          generic_duplicate_exception_regex: '^allowed-',
        }),
      });
      expect(settings.status).toBe(200);
      const refused = await put('dup', 'three');
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ message: expect.stringMatching(/[Dd]uplicate/) });
      expect((await put('allowed-dup', 'one')).status).toBe(201);
      expect((await put('allowed-dup', 'two')).status).toBe(201);
      // The newest upload is what a download serves.
      const latest = await fx.call('GET', uploadPath(project.id, 'dup', '1.0.0', 'a.txt'), { as });
      expect(await latest.text()).toBe('two');
      await fx.call('PUT', `/groups/${ids.group.id}/packages/settings`, {
        headers: { 'Private-Token': stack.rootToken, 'Content-Type': 'application/json' },
        body: JSON.stringify({ generic_duplicates_allowed: true, generic_duplicate_exception_regex: '' }),
      });
    },
  );

  fx.step('a hidden package is downloadable but not listed', async () => {
    const { ids } = fx.world();
    const project = ids.projects.public;
    const as = { credential: ids.members.developer, via: 'private-token' as const };
    const put = await fx.call(
      'PUT',
      `${uploadPath(project.id, 'secret-tool', '2.0.0', 'x.bin')}?status=hidden`,
      { as, body: 'hidden bytes' },
    );
    expect(put.status).toBe(201);
    expect(await packagesNamed(fx, project.id, 'secret-tool')).toEqual([]);
    expect(await packagesNamed(fx, project.id, 'secret-tool', '&status=hidden')).toEqual([
      expect.objectContaining({ version: '2.0.0', status: 'hidden' }),
    ]);
    const get = await fx.call('GET', uploadPath(project.id, 'secret-tool', '2.0.0', 'x.bin'), { as });
    expect(await get.text()).toBe('hidden bytes');
  });

  fx.step('bad generic uploads answer GitLab errors and store nothing', async () => {
    const { ids, stack } = fx.world();
    const project = ids.projects.internal;
    const as = { credential: ids.members.developer, via: 'private-token' as const };
    const before = await stack.storedKeys('packages/files/');
    const refusals: [string, string, Record<string, string>, RequestInit['body'], number][] = [
      [
        'traversal in the file name',
        uploadPath(project.id, 'bad', '1.0.0', '..%2F..%2Fetc%2Fpasswd'),
        {},
        'x',
        400,
      ],
      ['an absolute file name', uploadPath(project.id, 'bad', '1.0.0', '%2Fetc%2Fpasswd'), {}, 'x', 400],
      ['a package name with dot-dot', uploadPath(project.id, 'a..b', '1.0.0', 'f'), {}, 'x', 400],
      ['a malformed version', uploadPath(project.id, 'bad', '1.0.0%20beta', 'f'), {}, 'x', 400],
      ['an invalid status', `${uploadPath(project.id, 'bad', '1.0.0', 'f')}?status=weird`, {}, 'x', 400],
      [
        'a wrong checksum',
        uploadPath(project.id, 'bad', '1.0.0', 'f'),
        { 'X-Checksum-Sha256': '0'.repeat(64) },
        'x',
        400,
      ],
      [
        'an oversized file',
        uploadPath(project.id, 'bad', '1.0.0', 'big'),
        {},
        Buffer.alloc(MAX_FILE_BYTES + 1),
        413,
      ],
    ];
    for (const [what, requestPath, headers, body, status] of refusals) {
      const response = await fx.call('PUT', requestPath, { as, headers, body });
      const text = await response.text();
      expect({ what, status: response.status }).toEqual({ what, status });
      // GitLab's shapes: `{"message": ...}`, or Grape's `{"error": ...}` for a parameter's value.
      expect(Object.keys(JSON.parse(text) as object)).toEqual([expect.stringMatching(/^(message|error)$/)]);
    }
    await truncatedPut(
      stack.base,
      uploadPath(project.id, 'bad', '1.0.0', 'cut'),
      ids.members.developer.secret,
    );
    expect(await packagesNamed(fx, project.id, 'bad')).toEqual([]);
    expect((await stack.storedKeys('packages/files/')).sort()).toEqual(before.sort());
  });
}
