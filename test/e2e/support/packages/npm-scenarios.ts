import { failed, succeeded } from '../client-runs';
import {
  createNpmClient,
  installedManifest,
  npmDeprecate,
  npmDistTagAdd,
  npmDistTagLs,
  npmDistTagRm,
  npmInstall,
  npmPublish,
  parseDistTags,
  writeEmptyNpmProject,
  writeNpmPackage,
  type NpmClient,
} from './clients';
import type { Credential } from '../identity-world';
import { npmBadInputScenario } from './npm-bad-input';
import type { PackageFixture } from './package-fixture';

/**
 * npm end to end with the real CLI, each user with a token in its own `.npmrc` as GitLab's
 * documentation has it: the Developer publishes a scoped package to the private project; the
 * Reporter installs it into empty projects from the project, the group and the instance endpoint
 * (the scope names the group); dist-tags are added and removed; a version is deprecated; the same
 * version published again is refused with npm's 403; bad publishes store nothing. One publish or
 * install per step.
 */

const VERSION = '1.0.0';

export function npmScenarios(fx: PackageFixture): void {
  let packageDir: string | undefined;
  const clients: NpmClient[] = [];
  const scope = () => `@${fx.world().ids.group.path.toLowerCase()}`;
  const packageName = () => `${scope()}/e2e-widget`;
  const projectEndpoint = () =>
    `${fx.world().stack.base}/api/v4/projects/${fx.world().ids.projects.private.id}/packages/npm/`;
  const groupEndpoint = () =>
    `${fx.world().stack.base}/api/v4/groups/${fx.world().ids.group.id}/-/packages/npm/`;
  const instanceEndpoint = () => `${fx.world().stack.base}/api/v4/packages/npm/`;

  /** An npm whose `.npmrc` sends the scope to `endpoint` with `credential`'s token. */
  async function npmFor(endpoint: string, credential: Credential): Promise<NpmClient> {
    const client = await createNpmClient({
      scopes: { [scope()]: endpoint },
      tokens: { [endpoint]: credential.secret },
    });
    clients.push(client);
    return client;
  }

  const published = (): string => {
    if (!packageDir) throw new Error('the publish step did not run');
    return packageDir;
  };

  async function installFrom(endpoint: string): Promise<void> {
    const client = await npmFor(endpoint, fx.world().ids.members.reporter);
    const project = await writeEmptyNpmProject(await fx.tempDir('npm-consumer'));
    succeeded(await npmInstall(client, project, [packageName()]), `npm install from ${endpoint}`);
    const manifest = await installedManifest(project, packageName());
    expect(manifest).toMatchObject({ name: packageName(), version: VERSION });
  }

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.home.remove()));
  });

  fx.step('npm publish to the private project with the Developer token in .npmrc', async () => {
    const client = await npmFor(projectEndpoint(), fx.world().ids.members.developer);
    packageDir = await writeNpmPackage(await fx.tempDir('npm-package'), {
      name: packageName(),
      version: VERSION,
    });
    succeeded(await npmPublish(client, packageDir), 'npm publish');
  });

  fx.step('npm install into an empty project from the project endpoint', () =>
    installFrom(projectEndpoint()),
  );

  fx.step('npm install into an empty project from the group endpoint', () => installFrom(groupEndpoint()));

  fx.step('npm install of the scoped package from the instance endpoint', () =>
    installFrom(instanceEndpoint()),
  );

  fx.step('npm dist-tag add by the Developer and rm by the Maintainer', async () => {
    const developer = await npmFor(projectEndpoint(), fx.world().ids.members.developer);
    succeeded(await npmDistTagAdd(developer, `${packageName()}@${VERSION}`, 'stable'), 'npm dist-tag add');
    const listed = succeeded(await npmDistTagLs(developer, packageName()), 'npm dist-tag ls');
    expect(parseDistTags(listed)).toEqual({ latest: VERSION, stable: VERSION });
    // Removing a tag is deleting (Maintainer), as GitLab has it.
    const refused = failed(
      await npmDistTagRm(developer, packageName(), 'stable'),
      'npm dist-tag rm (Developer)',
    );
    expect(`${refused.stdout}${refused.stderr}`).toContain('403');
    const maintainer = await npmFor(projectEndpoint(), fx.world().ids.members.maintainer);
    succeeded(await npmDistTagRm(maintainer, packageName(), 'stable'), 'npm dist-tag rm');
    const after = await fx.call(
      'GET',
      `/projects/${fx.world().ids.projects.private.id}/packages/npm/-/package/${packageName().replace('/', '%2f')}/dist-tags`,
      {
        as: { credential: fx.world().ids.members.reporter, via: 'bearer' },
      },
    );
    expect(await after.json()).toEqual({ latest: VERSION });
  });

  fx.step('npm deprecate marks the version in the metadata npm installs from', async () => {
    const developer = await npmFor(projectEndpoint(), fx.world().ids.members.developer);
    succeeded(
      await npmDeprecate(developer, `${packageName()}@${VERSION}`, 'use the next one'),
      'npm deprecate',
    );
    const metadata = await fx.call(
      'GET',
      `/projects/${fx.world().ids.projects.private.id}/packages/npm/${packageName().replace('/', '%2f')}`,
      {
        as: { credential: fx.world().ids.members.reporter, via: 'bearer' },
        headers: { Accept: 'application/vnd.npm.install-v1+json' },
      },
    );
    const document = (await metadata.json()) as { versions: Record<string, { deprecated?: string }> };
    expect(document.versions[VERSION]?.deprecated).toBe('use the next one');
  });

  fx.step("publishing the same version again is refused with npm's 403", async () => {
    const client = await npmFor(projectEndpoint(), fx.world().ids.members.developer);
    // --force skips npm's own look-up of published versions, so the registry is the one refusing.
    const run = failed(await client.run(['publish', '--force'], published()), 'npm publish (again)');
    const output = `${run.stdout}${run.stderr}`;
    expect(output).toContain('E403');
    expect(output).toContain(`previously published version ${VERSION}`);
  });

  npmBadInputScenario(fx);
}
