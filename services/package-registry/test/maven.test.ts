import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { FakeIdentity, ROLE } from './support/fake-identity';
import { openRegistryApp, REGISTRY_APP_TIMEOUT_MS, type RegistryAppFixture } from './support/registry-app';

// Maven's endpoints on the real core, PGlite and a filesystem blob store; auth-token is a
// stand-in with two private projects in one group. The requests are the ones `mvn deploy` and
// resolution send (see /work/notes/client-requests.md); the real client runs in test/e2e.

const SETUP_TIMEOUT_MS = REGISTRY_APP_TIMEOUT_MS;
// dev-token maintains the group; reader-token may see the group and read acme/lib only.
const identity = new FakeIdentity();
identity.groups.push({ id: 10, fullPath: 'acme', visibility: 'private' });
identity.projects.push(
  { id: 1, fullPath: 'acme/lib', visibility: 'private' },
  { id: 2, fullPath: 'acme/secret', visibility: 'private' },
);
identity.users.push(
  { id: 1, username: 'dev', token: 'dev-token', roles: { acme: ROLE.maintainer } },
  {
    id: 2,
    username: 'reader',
    token: 'reader-token',
    roles: { acme: ROLE.guest, 'acme/lib': ROLE.reporter },
  },
);

const PROJECT = '/api/v4/projects/1/packages/maven';
const SECRET_PROJECT = '/api/v4/projects/2/packages/maven';
const GROUP = '/api/v4/groups/acme/-/packages/maven';
const INSTANCE = '/api/v4/packages/maven';
const ARTIFACT = 'com/example/hello';
const dev = { 'Private-Token': 'dev-token' };
const reader = { 'Private-Token': 'reader-token' };
const basic = (password: string) => ({
  Authorization: `Basic ${Buffer.from(`anything:${password}`).toString('base64')}`,
});
const hex = (algorithm: string, body: string | Buffer) => createHash(algorithm).update(body).digest('hex');

const releaseMetadata = (versions: string[], latest: string) => `<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>com.example</groupId>
  <artifactId>hello</artifactId>
  <versioning>
    <latest>${latest}</latest>
    <release>${latest}</release>
    <versions>
${versions.map((v) => `      <version>${v}</version>`).join('\n')}
    </versions>
    <lastUpdated>20261207003512</lastUpdated>
  </versioning>
</metadata>
`;

const snapshotMetadata = (timestamp: string, build: number) => `<?xml version="1.0" encoding="UTF-8"?>
<metadata modelVersion="1.1.0">
  <groupId>com.example</groupId>
  <artifactId>hello</artifactId>
  <version>1.1-SNAPSHOT</version>
  <versioning>
    <snapshot><timestamp>${timestamp}</timestamp><buildNumber>${build}</buildNumber></snapshot>
    <lastUpdated>${timestamp.replace('.', '')}</lastUpdated>
    <snapshotVersions>
      <snapshotVersion><extension>jar</extension><value>1.1-${timestamp}-${build}</value><updated>${timestamp.replace('.', '')}</updated></snapshotVersion>
      <snapshotVersion><extension>pom</extension><value>1.1-${timestamp}-${build}</value><updated>${timestamp.replace('.', '')}</updated></snapshotVersion>
    </snapshotVersions>
  </versioning>
</metadata>
`;

describe('Maven packages', () => {
  let fx: RegistryAppFixture;

  beforeAll(async () => {
    fx = await openRegistryApp({ identity });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await fx?.close();
  }, SETUP_TIMEOUT_MS);

  const put = (path: string, body: string | Buffer, headers: Record<string, string> = dev) =>
    request(fx.app).put(path).set(headers).send(Buffer.from(body));
  const get = (path: string, headers: Record<string, string> = dev) =>
    request(fx.app)
      .get(path)
      .set(headers)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const text = async (path: string, headers?: Record<string, string>) => {
    const res = await get(path, headers);
    return { status: res.status, body: (res.body as Buffer).toString('utf8'), headers: res.headers };
  };

  /** What `mvn deploy` of one file sends: the file, then its sha1 and md5. */
  async function deployFile(base: string, file: string, content: string | Buffer): Promise<void> {
    expect((await put(`${base}/${file}`, content)).status).toBe(200);
    expect((await put(`${base}/${file}.sha1`, hex('sha1', content))).status).toBe(204);
    expect((await put(`${base}/${file}.md5`, hex('md5', content))).status).toBe(204);
  }

  async function objectCount(): Promise<number> {
    let count = 0;
    for await (const _ of fx.blobs.list('packages/')) count += 1;
    return count;
  }

  async function rowCounts() {
    return { packages: await fx.prisma.package.count(), files: await fx.prisma.packageFile.count() };
  }

  it('when a release is deployed as mvn does, then its files, every checksum and the metadata are served', async () => {
    const version = `${PROJECT}/${ARTIFACT}/1.0.0`;
    const jar = Buffer.from('PK release 1.0.0 jar');
    await deployFile(version, 'hello-1.0.0.pom', '<project>1.0.0</project>');
    await deployFile(version, 'hello-1.0.0.jar', jar);
    // The first deploy finds metadata built from the version it just uploaded.
    const before = await text(`${PROJECT}/${ARTIFACT}/maven-metadata.xml`);
    expect(before.status).toBe(200);
    expect(before.body).toContain('<release>1.0.0</release>');
    const metadata = releaseMetadata(['1.0.0'], '1.0.0');
    await deployFile(`${PROJECT}/${ARTIFACT}`, 'maven-metadata.xml', metadata);

    const downloaded = await get(`${version}/hello-1.0.0.jar`);
    expect([downloaded.status, (downloaded.body as Buffer).equals(jar)]).toEqual([200, true]);
    expect(downloaded.headers['x-checksum-sha1']).toBe(hex('sha1', jar));
    for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512']) {
      expect((await text(`${version}/hello-1.0.0.jar.${algorithm}`)).body).toBe(hex(algorithm, jar));
    }
    const head = await request(fx.app).head(`${version}/hello-1.0.0.jar`).set(dev);
    expect([head.status, head.headers['content-length']]).toEqual([200, String(jar.length)]);
    // Metadata that agrees with the packages is served byte for byte, so mvn's own checksums hold.
    expect((await text(`${PROJECT}/${ARTIFACT}/maven-metadata.xml`)).body).toBe(metadata);
    expect((await text(`${PROJECT}/${ARTIFACT}/maven-metadata.xml.sha1`)).body).toBe(hex('sha1', metadata));

    const pkg = await fx.prisma.package.findFirstOrThrow({
      where: { packageType: 'maven', version: '1.0.0' },
    });
    expect([pkg.name, pkg.metadata]).toEqual([
      'com/example/hello',
      { path: 'com/example/hello/1.0.0', app_group: 'com.example', app_name: 'hello', app_version: '1.0.0' },
    ]);
    expect(await fx.prisma.packageFile.count({ where: { fileName: { endsWith: '.sha1' } } })).toBe(0);
  });

  it('when an uploaded checksum does not match the stored file, then it is refused and nothing changes', async () => {
    const version = `${PROJECT}/${ARTIFACT}/1.0.0`;
    const before = await rowCounts();
    const wrong = await put(`${version}/hello-1.0.0.jar.sha1`, '0'.repeat(40));
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/sha1 checksum does not match/);
    expect((await put(`${version}/hello-1.0.0.jar.sha256`, 'not hex')).status).toBe(400);
    expect((await put(`${version}/hello-1.0.0.jar.md5`, '')).status).toBe(400);
    expect((await put(`${version}/missing-1.0.0.jar.sha1`, '0'.repeat(40))).status).toBe(404);
    expect(await rowCounts()).toEqual(before);
  });

  it('when an upload is malformed XML, oversized or outside the repository, then it answers 4xx in GitLab JSON and stores nothing', async () => {
    const before = { rows: await rowCounts(), objects: await objectCount() };
    const broken = await put(
      `${PROJECT}/${ARTIFACT}/maven-metadata.xml`,
      '<metadata><versioning></metadata>',
    );
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/^400 Bad Request - maven-metadata.xml is not well-formed XML/);
    expect(
      (await put(`${PROJECT}/${ARTIFACT}/maven-metadata.xml`, '<!DOCTYPE x [<!ENTITY a "b">]><metadata/>'))
        .status,
    ).toBe(400);
    expect((await put(`${PROJECT}/${ARTIFACT}/maven-metadata.xml`, 'x'.repeat(65 * 1024))).status).toBe(413);
    expect((await put(`${PROJECT}/${ARTIFACT}/2.0/hello.jar`, Buffer.alloc(1024 * 1024 + 1))).status).toBe(
      413,
    );
    for (const path of [
      'com/a%2Fb/hello/1.0/x.jar',
      'com/a%5Cb/hello/1.0/x.jar',
      'com/%2e%2e/hello/1.0/x.jar',
      'hello/1.0/x.jar',
    ]) {
      const res = await put(`${PROJECT}/${path}`, 'x');
      expect([path, res.status]).toEqual([path, 400]);
    }
    expect(await rawStatus('PUT', `${PROJECT}/com/example/../../1.0/x.jar`)).toBe(400);
    expect(await rawStatus('GET', `${PROJECT}//etc/passwd/1.0/x.jar`)).toBe(400);
    expect({ rows: await rowCounts(), objects: await objectCount() }).toEqual(before);
  });

  /** A request with its path as written (HTTP clients built on URL would resolve `..` first). */
  async function rawStatus(method: string, path: string): Promise<number> {
    const server = http.createServer(fx.app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      return await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method, path, headers: dev }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('x');
      });
    } finally {
      server.close();
    }
  }

  it('when duplicates are not allowed for the group, then a release file is refused again but SNAPSHOTs and metadata are not', async () => {
    await fx.prisma.namespacePackageSetting.create({
      data: { namespaceId: 10, namespacePath: 'acme', packageType: 'maven', duplicatesAllowed: false },
    });
    try {
      const again = await put(`${PROJECT}/${ARTIFACT}/1.0.0/hello-1.0.0.jar`, 'other bytes');
      expect([again.status, again.body.message]).toEqual([
        403,
        '403 Forbidden - Duplicate package is not allowed',
      ]);
      const snapshot = `${PROJECT}/${ARTIFACT}/0.9-SNAPSHOT/hello-0.9-SNAPSHOT.jar`;
      expect((await put(snapshot, 'one')).status).toBe(200);
      expect((await put(snapshot, 'two')).status).toBe(200);
      expect(
        (await put(`${PROJECT}/${ARTIFACT}/maven-metadata.xml`, releaseMetadata(['1.0.0'], '1.0.0'))).status,
      ).toBe(200);
      expect((await text(`${PROJECT}/${ARTIFACT}/0.9-SNAPSHOT/hello-0.9-SNAPSHOT.jar`)).body).toBe('two');
    } finally {
      await fx.prisma.namespacePackageSetting.deleteMany({});
    }
  });

  it('when SNAPSHOT builds arrive, then the metadata names the newest build even when a client skipped its metadata', async () => {
    const base = `${PROJECT}/${ARTIFACT}/1.1-SNAPSHOT`;
    for (const [timestamp, build] of [
      ['20261207.003000', 1],
      ['20261207.003512', 2],
    ] as const) {
      await deployFile(base, `hello-1.1-${timestamp}-${build}.pom`, `<project>build ${build}</project>`);
      await deployFile(base, `hello-1.1-${timestamp}-${build}.jar`, `jar build ${build}`);
      const metadata = snapshotMetadata(timestamp, build);
      await deployFile(base, 'maven-metadata.xml', metadata);
      expect((await text(`${base}/maven-metadata.xml`)).body).toBe(metadata);
    }
    // A third build whose client never uploads the metadata (or whose upload lost a race).
    await deployFile(base, 'hello-1.1-20261207.004000-3.jar', 'jar build 3');
    const served = await text(`${base}/maven-metadata.xml`);
    expect(served.body).toContain('<buildNumber>3</buildNumber>');
    expect(served.body).toContain('<value>1.1-20261207.004000-3</value>');
    // The pom of build 3 never arrived: the newest pom there is still resolves.
    expect(served.body).toContain('<value>1.1-20261207.003512-2</value>');
    expect((await text(`${base}/maven-metadata.xml.sha1`)).body).toBe(hex('sha1', served.body));
    expect((await text(`${base}/maven-metadata.xml.md5`)).body).toBe(hex('md5', served.body));
    expect(served.headers['content-type']).toMatch(/^application\/xml/);
  });

  it('when the artifact-level metadata misses versions (deploys raced), then the served one lists them all', async () => {
    // The last upload knows 1.0.0 only, though 0.9-SNAPSHOT and 1.1-SNAPSHOT were deployed after it.
    await put(`${PROJECT}/${ARTIFACT}/maven-metadata.xml`, releaseMetadata(['1.0.0'], '1.0.0'));
    const served = await text(`${PROJECT}/${ARTIFACT}/maven-metadata.xml`);
    expect(served.body).toMatch(/<latest>1\.1-SNAPSHOT<\/latest>\s*<release>1\.0\.0<\/release>/);
    for (const version of ['1.0.0', '0.9-SNAPSHOT', '1.1-SNAPSHOT'])
      expect(served.body).toContain(`<version>${version}</version>`);
    expect((await text(`${PROJECT}/${ARTIFACT}/maven-metadata.xml.sha256`)).body).toBe(
      hex('sha256', served.body),
    );
  });

  it('when an anonymous client asks a private project, then it is challenged for Basic and its retry with the token as password works', async () => {
    const path = `${PROJECT}/${ARTIFACT}/1.0.0/hello-1.0.0.pom`;
    const anonymous = await text(path, {});
    expect([anonymous.status, anonymous.headers['www-authenticate']]).toEqual([
      401,
      'Basic realm="Stowage Package Registry"',
    ]);
    expect((await text(path, basic('reader-token'))).status).toBe(200);
    expect((await text(path, { 'Deploy-Token': 'reader-token' })).status).toBe(200);
    expect((await text(path, basic('wrong-token'))).status).toBe(401);
    const upload = await put(`${PROJECT}/${ARTIFACT}/3.0/hello-3.0.jar`, 'x', reader);
    expect([upload.status, upload.body.message]).toEqual([403, '403 Forbidden']);
    expect((await put(`${PROJECT}/${ARTIFACT}/3.0/hello-3.0.jar`, 'x', {})).status).toBe(401);
  });

  it('when resolving from the group or the instance, then only projects the caller may read are searched', async () => {
    await deployFile(`${SECRET_PROJECT}/com/example/hidden/1.0`, 'hidden-1.0.jar', 'secret jar');
    await deployFile(`${SECRET_PROJECT}/${ARTIFACT}/5.0`, 'hello-5.0.jar', 'secret hello');
    for (const level of [GROUP, INSTANCE]) {
      expect((await text(`${level}/${ARTIFACT}/1.0.0/hello-1.0.0.pom`, reader)).body).toBe(
        '<project>1.0.0</project>',
      );
      expect((await text(`${level}/com/example/hidden/1.0/hidden-1.0.jar`, dev)).body).toBe('secret jar');
      const hidden = await text(`${level}/com/example/hidden/1.0/hidden-1.0.jar`, reader);
      expect([level, hidden.status]).toEqual([level, 404]);
      const anonymous = await text(`${level}/com/example/hidden/1.0/hidden-1.0.jar`, {});
      expect([level, anonymous.status, anonymous.headers['www-authenticate']]).toEqual([
        level,
        401,
        'Basic realm="Stowage Package Registry"',
      ]);
      // The versions of every readable project, and only theirs.
      expect((await text(`${level}/${ARTIFACT}/maven-metadata.xml`, dev)).body).toContain(
        '<version>5.0</version>',
      );
      expect((await text(`${level}/${ARTIFACT}/maven-metadata.xml`, reader)).body).not.toContain('5.0');
      expect((await text(`${level}/${ARTIFACT}/1.1-SNAPSHOT/maven-metadata.xml`, reader)).body).toContain(
        '<buildNumber>3</buildNumber>',
      );
    }
  });
});
