import { createHash } from 'node:crypto';
import path from 'node:path';
import { succeeded } from '../client-runs';
import {
  createClientHome,
  mvnDeploy,
  mvnResolve,
  readJarEntry,
  type ClientAuth,
  type ClientHome,
  type MavenCoordinates,
} from './clients';
import type { PackageFixture } from './package-fixture';

/**
 * Maven end to end with the real client (Debian's Maven 3.8, plugins from /usr/share/maven-repo):
 * `mvn deploy` of a release and of two SNAPSHOT builds to a private project, then resolution of
 * both into clean local repositories, once with the token in settings.xml's `httpHeaders` (from
 * the project) and once with Basic (from the group, after Maven's anonymous try is challenged);
 * the metadata names the newest SNAPSHOT build at every level. Then bad input over plain HTTP.
 */

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

export function mavenScenarios(fx: PackageFixture): void {
  let home: ClientHome | undefined;
  const coordinates = { groupId: 'com.example.stowage', artifactId: `maven-e2e-${fx.mode}` };
  const release: MavenCoordinates = { ...coordinates, version: '1.0.0' };
  const snapshot: MavenCoordinates = { ...coordinates, version: '1.1-SNAPSHOT' };
  const artifactPath = `com/example/stowage/${coordinates.artifactId}`;
  const client = () => {
    if (!home) throw new Error('the Maven home is missing: the set-up failed');
    return home;
  };
  const projectUrl = () => {
    const { stack, ids } = fx.world();
    return `${stack.base}/api/v4/projects/${ids.projects.private.id}/packages/maven`;
  };
  const groupUrl = () => {
    const { stack, ids } = fx.world();
    return `${stack.base}/api/v4/groups/${ids.group.id}/-/packages/maven`;
  };
  const developerHeader = (): ClientAuth => ({
    header: 'Private-Token',
    token: fx.world().ids.members.developer.secret,
  });
  const developerBasic = (): ClientAuth => {
    const { username, secret } = fx.world().ids.members.developer;
    return { username, password: secret };
  };

  beforeAll(async () => {
    home = await createClientHome(`maven-${fx.mode}`);
  });
  afterAll(() => home?.remove());

  fx.step(
    'mvn deploy publishes a release and two SNAPSHOT builds; the metadata lists both versions and names build 2',
    async () => {
      const project = path.join(client().dir, 'producer');
      const deploy = (version: MavenCoordinates, auth: ClientAuth, resourceText: string) =>
        mvnDeploy(client(), project, { ...version, repoUrl: projectUrl(), auth, resourceText });
      succeeded(await deploy(release, developerHeader(), 'release 1.0.0\n'), 'mvn deploy (release)');
      // Basic is not preemptive: each run's first request goes anonymous and must be challenged.
      succeeded(await deploy(snapshot, developerBasic(), 'snapshot build 1\n'), 'mvn deploy (SNAPSHOT 1)');
      succeeded(await deploy(snapshot, developerHeader(), 'snapshot build 2\n'), 'mvn deploy (SNAPSHOT 2)');

      const reporter = { credential: fx.world().ids.members.reporter, via: 'private-token' as const };
      const { ids } = fx.world();
      for (const level of [`/projects/${ids.projects.private.id}`, `/groups/${ids.group.id}/-`, '']) {
        const base = `${level}/packages/maven/${artifactPath}`;
        const versionLevel = await fx.call('GET', `${base}/1.1-SNAPSHOT/maven-metadata.xml`, {
          as: reporter,
        });
        const document = await versionLevel.text();
        expect([level, versionLevel.status]).toEqual([level, 200]);
        expect(document).toMatch(/<buildNumber>2<\/buildNumber>/);
        const checksum = await fx.call('GET', `${base}/1.1-SNAPSHOT/maven-metadata.xml.sha1`, {
          as: reporter,
        });
        expect(await checksum.text()).toBe(sha1(document));
        const artifactLevel = await (
          await fx.call('GET', `${base}/maven-metadata.xml`, { as: reporter })
        ).text();
        expect(artifactLevel).toMatch(/<latest>1\.1-SNAPSHOT<\/latest>/);
        expect(artifactLevel).toMatch(/<release>1\.0\.0<\/release>/);
        expect(artifactLevel).toMatch(/<version>1\.0\.0<\/version>\s*<version>1\.1-SNAPSHOT<\/version>/);
      }
    },
    300_000,
  );

  fx.step(
    'mvn resolves the release and the newest SNAPSHOT into clean local repositories with the token header (project) and with Basic (group)',
    async () => {
      const { ids } = fx.world();
      const reporterHeader: ClientAuth = { header: 'Private-Token', token: ids.members.reporter.secret };
      const deployTokenBasic: ClientAuth = {
        username: ids.deployRead.username,
        password: ids.deployRead.secret,
      };
      const runs = [
        { name: 'header', repoUrl: projectUrl(), auth: reporterHeader },
        { name: 'basic', repoUrl: groupUrl(), auth: deployTokenBasic },
      ];
      for (const { name, repoUrl, auth } of runs) {
        for (const [version, expected] of [
          [release, 'release 1.0.0\n'],
          [snapshot, 'snapshot build 2\n'],
        ] as const) {
          const localRepo = path.join(client().dir, `clean-${name}-${version.version}`);
          const resolved = await mvnResolve(client(), localRepo, { ...version, repoUrl, auth });
          succeeded(resolved.run, `mvn dependency:resolve ${version.version} (${name})`);
          expect([name, await readJarEntry(resolved.jarPath, 'stowage-resource.txt')]).toEqual([
            name,
            expected,
          ]);
        }
      }
    },
    300_000,
  );

  fx.step(
    'Maven bad input answers 4xx in GitLab JSON and stores nothing; anonymous callers are challenged',
    async () => {
      const { ids } = fx.world();
      const developer = { credential: ids.members.developer, via: 'private-token' as const };
      const base = `/projects/${ids.projects.private.id}/packages/maven`;
      const metadataBefore = await (
        await fx.call('GET', `${base}/${artifactPath}/maven-metadata.xml`, { as: developer })
      ).text();
      const broken = await fx.call('PUT', `${base}/${artifactPath}/maven-metadata.xml`, {
        as: developer,
        body: '<metadata><versioning></metadata>',
      });
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as { message: string }).message).toMatch(/not well-formed XML/);
      const metadataAfter = await (
        await fx.call('GET', `${base}/${artifactPath}/maven-metadata.xml`, { as: developer })
      ).text();
      expect(metadataAfter).toBe(metadataBefore);
      for (const bad of [
        'com/a%2Fb/x/1.0/x-1.0.jar',
        'com/a%5Cb/x/1.0/x-1.0.jar',
        'com/a..b/x/1.0/x-1.0.jar',
      ]) {
        const refused = await fx.call('PUT', `${base}/${bad}`, { as: developer, body: 'x' });
        expect([bad, refused.status]).toEqual([bad, 400]);
        expect(await fx.call('GET', `${base}/${bad}`, { as: developer }).then((r) => r.status)).toBe(400);
      }
      const wrongChecksum = await fx.call(
        'PUT',
        `${base}/${artifactPath}/1.0.0/${coordinates.artifactId}-1.0.0.jar.sha1`,
        {
          as: developer,
          body: '0'.repeat(40),
        },
      );
      expect(wrongChecksum.status).toBe(400);
      const anonymous = await fx.call(
        'GET',
        `${base}/${artifactPath}/1.0.0/${coordinates.artifactId}-1.0.0.jar`,
      );
      expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([
        401,
        expect.stringMatching(/^Basic /),
      ]);
      const instance = await fx.call(
        'GET',
        `/packages/maven/${artifactPath}/1.0.0/${coordinates.artifactId}-1.0.0.jar`,
      );
      expect([instance.status, instance.headers.get('www-authenticate')]).toEqual([
        401,
        expect.stringMatching(/^Basic /),
      ]);
    },
  );
}
