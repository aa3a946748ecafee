import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { failed, succeeded } from './support/client-runs';
import {
  artifactPath,
  basicCredentials,
  buildSdist,
  buildWheel,
  createClientHome,
  createNpmClient,
  createVenv,
  distFileStem,
  fileRepositoryRoute,
  forwardingRoute,
  genericDownload,
  genericUpload,
  installedManifest,
  moduleValue,
  mvnDeploy,
  mvnResolve,
  npmDeprecate,
  npmDistTagAdd,
  npmDistTagLs,
  npmDistTagRm,
  npmInstall,
  npmPublish,
  npmView,
  parseDistTags,
  pipInstall,
  pipInstallFile,
  pypiStandInRoute,
  pythonImport,
  readJarEntry,
  requireAuth,
  startRecordingServer,
  startVerdaccio,
  twineCheck,
  twineUpload,
  viewJson,
  writeEmptyNpmProject,
  writeNpmPackage,
  type ClientHome,
  type NpmClient,
  type PypiUpload,
  type RecordingServer,
  type Verdaccio,
} from './support/packages/clients';

// The package clients toolkit proved on its own, before the registry's endpoints exist: npm
// against a real registry (verdaccio), twine and pip against a loopback stand-in index, Maven
// against a file:// repository and a loopback server that records every request, curl against
// the same. Needs npm, twine, python3-venv, Maven with Debian's plugins and curl (.ci/run
// installs them). Nothing leaves loopback.

const TOKEN = 'glpat-toolkit-test-token';
// A Maven run is a JVM start (3-5 s, far more on a busy machine); a venv with pip takes seconds.
const CLIENT_TEST_TIMEOUT_MS = 120_000;
const hasToken = (headers: IncomingHttpHeaders) =>
  headers['private-token'] === TOKEN || basicCredentials(headers)?.password === TOKEN;

const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} is missing: the set-up failed`);
  return value;
};

describe('npm toolkit against verdaccio', () => {
  let verdaccio: Verdaccio | undefined;
  let recorder: RecordingServer | undefined;
  let npm: NpmClient | undefined;
  let registryUrl = '';
  let token = '';

  beforeAll(async () => {
    verdaccio = await startVerdaccio();
    token = await verdaccio.addUser('toolkit', 'toolkit-password');
    // In front of verdaccio, so the tests see what npm sends.
    recorder = await startRecordingServer(forwardingRoute(verdaccio.url));
    registryUrl = `${recorder.url}/`;
    npm = await createNpmClient({
      registry: registryUrl,
      scopes: { '@acme': registryUrl },
      tokens: { [registryUrl]: token },
    });
  }, 60_000);

  afterAll(async () => {
    await recorder?.close();
    await verdaccio?.stop();
    await npm?.home.remove();
  });

  it(
    'when a scoped package is published with a token, then npm installs it into an empty project',
    async () => {
      const client = required(npm, 'npm client');
      const server = required(recorder, 'recorder');
      const packageDir = await writeNpmPackage(path.join(client.home.dir, 'widget'), {
        name: '@acme/widget',
        version: '1.0.0',
        files: { 'lib/data.txt': 'widget data\n' },
      });
      succeeded(await npmPublish(client, packageDir), 'npm publish');

      const project = await writeEmptyNpmProject(path.join(client.home.dir, 'consumer'));
      server.requests.length = 0;
      succeeded(await npmInstall(client, project, ['@acme/widget']), 'npm install');

      expect(await installedManifest(project, '@acme/widget')).toMatchObject({ version: '1.0.0' });
      expect(await readFile(path.join(project, 'node_modules/@acme/widget/lib/data.txt'), 'utf8')).toBe(
        'widget data\n',
      );
      // Cold install: metadata and tarball both came from the registry, both with the token.
      const tarball = server.requests.find((r) => r.path.endsWith('.tgz'));
      expect(tarball?.headers.authorization).toBe(`Bearer ${token}`);
      expect(server.requests.find((r) => r.path === '/@acme%2fwidget')?.headers.authorization).toBe(
        `Bearer ${token}`,
      );
    },
    CLIENT_TEST_TIMEOUT_MS,
  );

  it(
    'when the same version is published again, then npm refuses and nothing is uploaded',
    async () => {
      const client = required(npm, 'npm client');
      const server = required(recorder, 'recorder');
      server.requests.length = 0;
      const run = failed(
        await npmPublish(client, path.join(client.home.dir, 'widget')),
        'npm publish (again)',
      );
      expect(run.stderr).toMatch(/previously published|E403|E409/);
      expect(server.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    },
    CLIENT_TEST_TIMEOUT_MS,
  );

  it(
    "when the token is wrong, then publish fails with the registry's refusal",
    async () => {
      const client = required(npm, 'npm client');
      const unscopedDir = await writeNpmPackage(path.join(client.home.dir, 'plain'), {
        name: 'stowage-plain',
        version: '0.1.0',
      });
      await client.configure({ registry: registryUrl, tokens: { [registryUrl]: 'not-a-token' } });
      try {
        const run = failed(await npmPublish(client, unscopedDir), 'npm publish with a wrong token');
        expect(run.stderr).toMatch(/E401|E403|401|403/);
      } finally {
        await client.configure({
          registry: registryUrl,
          scopes: { '@acme': registryUrl },
          tokens: { [registryUrl]: token },
        });
      }
      succeeded(await npmPublish(client, unscopedDir), 'npm publish of an unscoped package');
      expect(viewJson(succeeded(await npmView(client, 'stowage-plain', 'version'), 'npm view'))).toBe(
        '0.1.0',
      );
    },
    CLIENT_TEST_TIMEOUT_MS,
  );

  it(
    'when dist-tags are added and removed, then ls shows each change',
    async () => {
      const client = required(npm, 'npm client');
      succeeded(await npmDistTagAdd(client, '@acme/widget@1.0.0', 'beta'), 'npm dist-tag add');
      expect(parseDistTags(succeeded(await npmDistTagLs(client, '@acme/widget'), 'npm dist-tag ls'))).toEqual(
        {
          latest: '1.0.0',
          beta: '1.0.0',
        },
      );
      succeeded(await npmDistTagRm(client, '@acme/widget', 'beta'), 'npm dist-tag rm');
      expect(parseDistTags(succeeded(await npmDistTagLs(client, '@acme/widget'), 'npm dist-tag ls'))).toEqual(
        {
          latest: '1.0.0',
        },
      );
    },
    CLIENT_TEST_TIMEOUT_MS,
  );

  it(
    'when a version is deprecated, then view shows the message',
    async () => {
      const client = required(npm, 'npm client');
      succeeded(await npmDeprecate(client, '@acme/widget@1.0.0', 'use 2.x'), 'npm deprecate');
      expect(viewJson(succeeded(await npmView(client, '@acme/widget@1.0.0', 'deprecated'), 'npm view'))).toBe(
        'use 2.x',
      );
    },
    CLIENT_TEST_TIMEOUT_MS,
  );
});

describe('PyPI toolkit', () => {
  const spec = {
    name: 'stowage-toolkit-demo',
    version: '1.2.0',
    module: 'stowage_toolkit_demo',
    requiresPython: '>=3.8',
  };
  let home: ClientHome | undefined;
  let wheel = '';
  let sdist = '';

  beforeAll(async () => {
    home = await createClientHome('pypi');
    wheel = await buildWheel(path.join(home.dir, 'dist'), spec);
    sdist = await buildSdist(path.join(home.dir, 'dist'), spec);
  });

  afterAll(() => home?.remove());

  it(
    'when a wheel and an sdist are built by hand, then twine check accepts both',
    async () => {
      const client = required(home, 'home');
      expect(path.basename(wheel)).toBe(`${distFileStem(spec)}-py3-none-any.whl`);
      expect(path.basename(sdist)).toBe('stowage_toolkit_demo-1.2.0.tar.gz');
      succeeded(await twineCheck(client, [wheel, sdist]), 'twine check');
    },
    CLIENT_TEST_TIMEOUT_MS,
  );

  it(
    'when the wheel is installed offline into a fresh venv, then its module imports',
    async () => {
      const client = required(home, 'home');
      const venv = path.join(client.dir, 'venv-wheel');
      succeeded(await createVenv(client, venv, { systemSitePackages: true }), 'python3 -m venv');
      succeeded(await pipInstallFile(client, venv, wheel), 'pip install <wheel>');
      expect(succeeded(await pythonImport(client, venv, spec.module), 'import').stdout.trim()).toBe(
        moduleValue(spec),
      );
    },
    CLIENT_TEST_TIMEOUT_MS,
  );

  it(
    "when the sdist is installed offline with Debian's setuptools, then it builds and imports",
    async () => {
      const client = required(home, 'home');
      const venv = path.join(client.dir, 'venv-sdist');
      succeeded(
        await createVenv(client, venv, { systemSitePackages: true }),
        'python3 -m venv --system-site-packages',
      );
      succeeded(await pipInstallFile(client, venv, sdist), 'pip install <sdist>');
      expect(succeeded(await pythonImport(client, venv, spec.module), 'import').stdout.trim()).toBe(
        moduleValue(spec),
      );
    },
    CLIENT_TEST_TIMEOUT_MS,
  );

  it(
    'when twine uploads both to an index, then pip installs from it with credentials in the URL',
    async () => {
      const client = required(home, 'home');
      const uploads: PypiUpload[] = [];
      const server = await startRecordingServer(requireAuth(hasToken, pypiStandInRoute(uploads)));
      try {
        const uploadUrl = `${server.url}/api/v4/projects/7/packages/pypi`;
        failed(
          await twineUpload(client, [wheel], uploadUrl, '__token__', 'wrong'),
          'twine upload with a wrong token',
        );
        expect(uploads).toEqual([]);

        succeeded(await twineUpload(client, [wheel, sdist], uploadUrl, '__token__', TOKEN), 'twine upload');
        expect(uploads.map((u) => [u.fileField, u.fileName, u.fields.filetype?.[0]])).toEqual([
          ['content', path.basename(wheel), 'bdist_wheel'],
          ['content', path.basename(sdist), 'sdist'],
        ]);
        expect(uploads[0]!.fields).toMatchObject({
          ':action': ['file_upload'],
          name: [spec.name],
          version: [spec.version],
          requires_python: [spec.requiresPython],
          metadata_version: ['2.1'],
        });
        expect(uploads[0]!.fields.sha256_digest?.[0]).toMatch(/^[0-9a-f]{64}$/);

        const venv = path.join(client.dir, 'venv-index');
        succeeded(await createVenv(client, venv), 'python3 -m venv');
        server.requests.length = 0;
        const indexUrl = `http://__token__:${TOKEN}@127.0.0.1:${server.port}/simple`;
        succeeded(await pipInstall(client, venv, indexUrl, spec.name), 'pip install --index-url');
        expect(succeeded(await pythonImport(client, venv, spec.module), 'import').stdout.trim()).toBe(
          moduleValue(spec),
        );
        expect(server.requests.map((r) => `${r.method} ${r.path}`)).toContain(
          'GET /simple/stowage-toolkit-demo/',
        );
        expect(server.requests.every((r) => basicCredentials(r.headers)?.password === TOKEN)).toBe(true);
      } finally {
        await server.close();
      }
    },
    CLIENT_TEST_TIMEOUT_MS,
  );
});

describe('Maven toolkit', () => {
  const coordinates = { groupId: 'com.example.stowage', artifactId: 'toolkit-demo' };
  let home: ClientHome | undefined;

  beforeAll(async () => {
    home = await createClientHome('maven');
  });

  afterAll(() => home?.remove());

  it(
    'when a release is deployed to a file:// repository, then it resolves from there into a clean local repository',
    async () => {
      const client = required(home, 'home');
      const repo = path.join(client.dir, 'file-repo');
      const release = { ...coordinates, version: '1.0.0' };
      succeeded(
        await mvnDeploy(client, path.join(client.dir, 'file-project'), {
          ...release,
          repoUrl: `file://${repo}`,
          auth: 'anonymous',
          resourceText: 'file release\n',
        }),
        'mvn deploy',
      );
      const versionDir = path.dirname(artifactPath(repo, release, 'jar'));
      expect((await readdir(versionDir)).sort()).toEqual(
        ['jar', 'jar.md5', 'jar.sha1', 'pom', 'pom.md5', 'pom.sha1'].map(
          (ext) => `toolkit-demo-1.0.0.${ext}`,
        ),
      );

      const resolved = await mvnResolve(client, path.join(client.dir, 'clean-local-1'), {
        ...release,
        repoUrl: `file://${repo}`,
        auth: 'anonymous',
      });
      succeeded(resolved.run, 'mvn dependency:resolve');
      expect(await readJarEntry(resolved.jarPath, 'stowage-resource.txt')).toBe('file release\n');
    },
    CLIENT_TEST_TIMEOUT_MS,
  );

  it(
    'when a release and two SNAPSHOT builds are deployed over HTTP, then each request carries the credentials and the metadata names build 2',
    async () => {
      const client = required(home, 'home');
      const files = new Map<string, Buffer>();
      const server = await startRecordingServer(requireAuth(hasToken, fileRepositoryRoute(files)));
      const prefix = '/api/v4/projects/7/packages/maven';
      const repoUrl = `${server.url}${prefix}`;
      const base = `${prefix}/com/example/stowage/toolkit-demo`;
      const project = path.join(client.dir, 'http-project');
      try {
        const header = { header: 'Private-Token', token: TOKEN } as const;
        const basic = { username: 'toolkit', password: TOKEN };
        succeeded(
          await mvnDeploy(client, project, { ...coordinates, version: '1.0.0', repoUrl, auth: header }),
          'mvn deploy (release)',
        );
        expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
          `PUT ${base}/1.0.0/toolkit-demo-1.0.0.pom`,
          `PUT ${base}/1.0.0/toolkit-demo-1.0.0.pom.sha1`,
          `PUT ${base}/1.0.0/toolkit-demo-1.0.0.pom.md5`,
          `PUT ${base}/1.0.0/toolkit-demo-1.0.0.jar`,
          `PUT ${base}/1.0.0/toolkit-demo-1.0.0.jar.sha1`,
          `PUT ${base}/1.0.0/toolkit-demo-1.0.0.jar.md5`,
          `GET ${base}/maven-metadata.xml`,
          `PUT ${base}/maven-metadata.xml`,
          `PUT ${base}/maven-metadata.xml.sha1`,
          `PUT ${base}/maven-metadata.xml.md5`,
        ]);
        expect(
          server.requests.every((r) => r.headers['private-token'] === TOKEN && !r.headers.authorization),
        ).toBe(true);

        server.requests.length = 0;
        const snapshot = { ...coordinates, version: '1.1-SNAPSHOT', repoUrl };
        succeeded(
          await mvnDeploy(client, project, { ...snapshot, auth: basic, resourceText: 'snapshot build 1\n' }),
          'mvn deploy (SNAPSHOT 1)',
        );
        // Basic is not preemptive: the first request goes without credentials and is challenged.
        expect(server.requests[0]!.headers.authorization).toBeUndefined();
        expect(server.requests.slice(1).every((r) => basicCredentials(r.headers)?.password === TOKEN)).toBe(
          true,
        );
        succeeded(
          await mvnDeploy(client, project, { ...snapshot, auth: header, resourceText: 'snapshot build 2\n' }),
          'mvn deploy (SNAPSHOT 2)',
        );

        const snapshotMetadata = required(
          files.get(`${base}/1.1-SNAPSHOT/maven-metadata.xml`),
          'SNAPSHOT metadata',
        ).toString();
        expect(snapshotMetadata).toContain('<buildNumber>2</buildNumber>');
        const builds = [...files.keys()].filter((key) =>
          /toolkit-demo-1\.1-\d{8}\.\d{6}-\d+\.jar$/.test(key),
        );
        expect(builds.map((key) => key.replace(/.*-(\d+)\.jar$/, '$1')).sort()).toEqual(['1', '2']);

        server.requests.length = 0;
        const resolved = await mvnResolve(client, path.join(client.dir, 'clean-local-2'), {
          ...snapshot,
          auth: basic,
        });
        succeeded(resolved.run, 'mvn dependency:resolve (SNAPSHOT)');
        expect(await readJarEntry(resolved.jarPath, 'stowage-resource.txt')).toBe('snapshot build 2\n');
        expect(server.requests.map((r) => r.path)).toContain(`${base}/1.1-SNAPSHOT/maven-metadata.xml`);
      } finally {
        await server.close();
      }
    },
    CLIENT_TEST_TIMEOUT_MS,
  );
});

describe('generic toolkit (curl)', () => {
  let home: ClientHome | undefined;

  beforeAll(async () => {
    home = await createClientHome('generic');
  });

  afterAll(() => home?.remove());

  it(
    'when a file is uploaded with a token header, then it downloads with Basic and anonymous callers are challenged',
    async () => {
      const client = required(home, 'home');
      const server = await startRecordingServer(requireAuth(hasToken, fileRepositoryRoute()));
      try {
        const file = path.join(client.dir, 'payload', 'app.tar.gz');
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, Buffer.from('generic payload bytes'));
        const url = `${server.url}/api/v4/projects/7/packages/generic/app/1.0.0/app.tar.gz`;

        const upload = await genericUpload(client, `${url}?status=hidden`, file, {
          header: 'Private-Token',
          token: TOKEN,
        });
        succeeded(upload.run, 'curl --upload-file');
        expect(upload.status).toBe(201);
        expect(server.requests[0]).toMatchObject({
          method: 'PUT',
          path: '/api/v4/projects/7/packages/generic/app/1.0.0/app.tar.gz?status=hidden',
        });

        const download = await genericDownload(client, url, { username: 'toolkit', password: TOKEN });
        expect(download.status).toBe(200);
        expect(download.body.toString()).toBe('generic payload bytes');

        const anonymous = await genericDownload(client, url, 'anonymous');
        expect(anonymous.status).toBe(401);
      } finally {
        await server.close();
      }
    },
    CLIENT_TEST_TIMEOUT_MS,
  );
});
