import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { failed, succeeded } from '../client-runs';
import {
  buildSdist,
  buildWheel,
  coreMetadata,
  createClientHome,
  createVenv,
  forwardingRoute,
  moduleValue,
  pipInstall,
  pythonImport,
  startRecordingServer,
  twineUpload,
  type ClientHome,
  type PythonDistSpec,
} from './clients';
import type { PackageFixture } from './package-fixture';

/**
 * PyPI end to end with the real clients: twine uploads a wheel and an sdist to a private
 * project; pip installs them into fresh venvs from the project's and the group's simple index
 * with the token in the index URL; the index answers PEP 691 JSON or PEP 503 HTML by Accept, and
 * serves the wheel's core metadata per PEP 658/714. pip runs behind a recording proxy, so the
 * test sees what it fetched.
 */

const SPEC: PythonDistSpec = {
  name: 'Stowage.Demo_pkg',
  version: '1.2.0',
  module: 'stowage_demo',
  requiresPython: '>=3.8',
};
const NORMALIZED = 'stowage-demo-pkg';
const PIP_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

/** No pip or twine configuration of the machine's, no prompts, no version check. */
const PIP_ENV = { PIP_CONFIG_FILE: '/dev/null', PIP_NO_INPUT: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' };

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

interface Built {
  home: ClientHome;
  wheel: string;
  sdist: string;
}

export function pypiScenarios(fx: PackageFixture): void {
  let built: Built | undefined;
  const dists = (): Built => {
    if (!built) throw new Error('the upload step did not run');
    return built;
  };
  const projectPath = () => `/projects/${fx.world().ids.projects.private.id}/packages/pypi`;

  afterAll(async () => {
    await built?.home.remove();
  });

  fx.step(
    'twine uploads a wheel and an sdist with a token; the same file again is refused as taken (--skip-existing passes it)',
    async () => {
      const { ids, stack } = fx.world();
      const home = await createClientHome('pypi');
      const dir = await fx.tempDir('pypi-dists');
      built = { home, wheel: await buildWheel(dir, SPEC), sdist: await buildSdist(dir, SPEC) };
      const developer = ids.members.developer;
      const repository = `${stack.base}/api/v4${projectPath()}`;
      succeeded(
        await twineUpload(home, [built.wheel, built.sdist], repository, '__token__', developer.secret),
        'twine upload',
      );
      const again = failed(
        await twineUpload(home, [built.wheel], repository, '__token__', developer.secret),
        'twine upload (again)',
      );
      expect(`${again.stdout}${again.stderr}`).toContain('400 Bad Request');
      // twine --skip-existing passes over a file only when the 400's body says it is taken (GitLab's words).
      succeeded(
        await home.run(
          'twine',
          [
            'upload',
            '--non-interactive',
            '--disable-progress-bar',
            '--skip-existing',
            '--repository-url',
            repository,
            built.wheel,
          ],
          { env: { ...PIP_ENV, TWINE_USERNAME: '__token__', TWINE_PASSWORD: developer.secret } },
        ),
        'twine upload --skip-existing',
      );
    },
  );

  fx.step("the simple index answers PEP 691 JSON to pip's Accept and PEP 503 HTML without one", async () => {
    const { ids } = fx.world();
    const as = { credential: ids.members.reporter, via: 'basic' as const };
    const json = await fx.call('GET', `${projectPath()}/simple/${NORMALIZED}/`, {
      as,
      headers: { Accept: PIP_ACCEPT },
    });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/vnd.pypi.simple.v1+json');
    const page = (await json.json()) as {
      meta: Record<string, string>;
      name: string;
      files: Record<string, unknown>[];
    };
    expect(page.meta['api-version']).toBe('1.1');
    expect(page.name).toBe(NORMALIZED);
    const { wheel, sdist } = dists();
    const expected = await Promise.all(
      [wheel, sdist].map(async (file) => [path.basename(file), sha256(await readFile(file))]),
    );
    expect(page.files.map((file) => [file.filename, (file.hashes as { sha256: string }).sha256])).toEqual(
      expected,
    );
    expect(page.files.every((file) => file['requires-python'] === '>=3.8')).toBe(true);

    const html = await fx.call('GET', `${projectPath()}/simple/${NORMALIZED}/`, { as });
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const text = await html.text();
    for (const [fileName, hex] of expected) {
      expect(text).toMatch(
        new RegExp(
          `href="[^"]+/${fileName!.replace(/\./g, '\\.')}#sha256=${hex}" data-requires-python="&gt;=3.8"`,
        ),
      );
    }
  });

  fx.step("the wheel's core metadata is served per PEP 658 and announced per PEP 714", async () => {
    const { ids } = fx.world();
    const as = { credential: ids.members.reporter, via: 'basic' as const };
    const metadata = coreMetadata(SPEC);
    const json = (await (
      await fx.call('GET', `${projectPath()}/simple/${NORMALIZED}/`, { as, headers: { Accept: PIP_ACCEPT } })
    ).json()) as { files: { filename: string; url: string; 'core-metadata'?: { sha256: string } }[] };
    const [wheelEntry, sdistEntry] = json.files;
    expect(wheelEntry!['core-metadata']).toEqual({ sha256: sha256(metadata) });
    expect(sdistEntry!['core-metadata']).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain('dist-info-metadata');

    const html = await (await fx.call('GET', `${projectPath()}/simple/${NORMALIZED}/`, { as })).text();
    expect(html).toContain(`data-core-metadata="sha256=${sha256(metadata)}"`);
    expect(html).toContain(`data-dist-info-metadata="sha256=${sha256(metadata)}"`);

    const served = await fx.call('GET', `${wheelEntry!.url.replace(/^.*\/api\/v4/, '')}.metadata`, { as });
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(metadata);
  });

  for (const level of ['project', 'group'] as const) {
    fx.step(
      `pip installs the wheel into a fresh venv from the ${level}'s index, credentials in the URL`,
      async () => {
        const { ids, stack } = fx.world();
        const { home } = dists();
        const recorder = await startRecordingServer(forwardingRoute(stack.base));
        try {
          const venv = path.join(await fx.tempDir(`pypi-venv-${level}`), 'venv');
          succeeded(await createVenv(home, venv), 'python3 -m venv');
          const reporter = ids.members.reporter;
          const scope = level === 'project' ? projectPath() : `/groups/${ids.group.id}/-/packages/pypi`;
          const host = new URL(recorder.url).host;
          const indexUrl = `http://${reporter.username}:${reporter.secret}@${host}/api/v4${scope}/simple`;
          succeeded(await pipInstall(home, venv, indexUrl, SPEC.name), 'pip install');
          expect(
            succeeded(await pythonImport(home, venv, SPEC.module), 'python -c import').stdout.trim(),
          ).toBe(moduleValue(SPEC));
          const fetched = recorder.requests.map((request) => `${request.method} ${request.path}`);
          expect(fetched).toContain(`GET /api/v4${scope}/simple/${NORMALIZED}/`);
          expect(fetched.some((line) => line.endsWith(`/${path.basename(dists().wheel)}`))).toBe(true);
          // pip sent the URL's credentials to every request, files included (links stay on its host).
          expect(
            recorder.requests.every((request) => request.headers.authorization?.startsWith('Basic ')),
          ).toBe(true);
        } finally {
          await recorder.close();
        }
      },
      240_000,
    );
  }

  fx.step(
    'pip builds and installs the sdist from the index when binaries are refused',
    async () => {
      const { ids, stack } = fx.world();
      const { home } = dists();
      const venv = path.join(await fx.tempDir('pypi-venv-sdist'), 'venv');
      succeeded(await createVenv(home, venv, { systemSitePackages: true }), 'python3 -m venv');
      const reporter = ids.members.reporter;
      const base = new URL(stack.base);
      const indexUrl = `http://${reporter.username}:${reporter.secret}@${base.host}/api/v4${projectPath()}/simple`;
      succeeded(
        await home.run(
          path.join(venv, 'bin', 'python'),
          [
            '-m',
            'pip',
            'install',
            '--no-cache-dir',
            '--no-binary',
            ':all:',
            '--no-build-isolation',
            '--index-url',
            indexUrl,
            SPEC.name,
          ],
          { env: PIP_ENV },
        ),
        'pip install --no-binary :all:',
      );
      expect(succeeded(await pythonImport(home, venv, SPEC.module), 'python -c import').stdout.trim()).toBe(
        moduleValue(SPEC),
      );
    },
    240_000,
  );
}
