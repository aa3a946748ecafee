import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeWithComponents } from '@stowage/testing';
import { succeeded } from './support/client-runs';
import { cleanUpSteps } from './support/clean-up';
import { putProxySettings } from './support/dependency-proxy/proxy-api';
import { explainFailure } from './support/explain-failure';
import { randomSecret } from './support/identity-world';
import {
  createNpmClient,
  writeEmptyNpmProject,
  writeNpmPackage,
  type NpmClient,
} from './support/packages/clients/npm-client';
import { makeTempDir, removeDir, waitUntil } from './support/processes';
import { restApi, type RestApi } from './support/rest-api';
import {
  START_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  startOwnStandalone,
  type OwnStandalone,
} from './support/standalone';
import { launchChromium, openPage, screenshotAndCheck, type WatchedPage } from './support/web-ui/browser';
import { createUiWorld, type UiWorld } from './support/web-ui/ui-world';

// The web UI in Debian's Chromium against a standalone instance (compiled dist/, so build first),
// as a user goes through it: sign in, images pushed with docker, search and sort kept in the URL,
// copy, delete a tag and a repository, the cleanup policy form, an npm package and its install
// snippet, the dependency proxy after a pull, and what an anonymous visitor sees. Every page is
// screenshotted at desktop and phone width (test-results/web-ui/) and checked with axe-core; no
// page may log a script or console error or get a 5xx.

const STEP_TIMEOUT_MS = 120_000;
const PASSWORD = `Ui-${randomSecret()}`;

describeWithComponents(['docker', 'chromium'], 'web UI in a browser (standalone mode)', () => {
  let stowage: OwnStandalone | undefined;
  let api: RestApi | undefined;
  let world: UiWorld | undefined;
  let browser: Browser | undefined;
  let signedIn: WatchedPage | undefined;
  let npm: NpmClient | undefined;
  let workDir: string | undefined;

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is missing: the set-up or an earlier step failed`);
    return value;
  };
  const base = () => required(stowage, 'standalone mode').instance.base;
  const host = () => required(stowage, 'standalone mode').host;
  const user = () => required(signedIn, 'the signed-in tab').page;
  const withServerOutput = <T>(body: () => Promise<T>) =>
    explainFailure(() => stowage?.instance.process.describe() ?? 'standalone mode was not started', body);

  /** Screenshots and checks the page as it is; fails on accessibility violations. */
  const look = async (page: Page, name: string) => {
    expect(await screenshotAndCheck(page, name)).toEqual([]);
  };
  const rows = (page: Page) => page.locator('table.list tbody tr');

  beforeAll(async () => {
    const dir = await makeTempDir('e2e-web-ui');
    workDir = dir;
    const started = await startOwnStandalone('e2e-web-ui', { INITIAL_ROOT_PASSWORD: PASSWORD });
    stowage = started;
    const rest = restApi(started.instance.base, started.rootToken);
    api = rest;
    // A set-up failure fails every test: show what the server printed with it.
    world = await withServerOutput(() => createUiWorld(rest, started.host, started.rootToken, dir));
    browser = await launchChromium();
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    const steps = cleanUpSteps();
    await steps.attempt(async () => signedIn?.close());
    await steps.attempt(async () => browser?.close());
    await steps.attempt(async () => world?.cleanup());
    await steps.attempt(async () => npm?.home.remove());
    await steps.attempt(async () => stowage?.stop());
    await steps.attempt(async () => workDir && removeDir(workDir));
    steps.finish('cleaning up after the web UI tests failed');
  }, STOP_TIMEOUT_MS);

  afterEach(() => {
    // Whatever a step did, no page may have logged an error or met a server error.
    expect(signedIn?.problems ?? []).toEqual([]);
  });

  it(
    'when an anonymous visitor opens a private project, then they sign in and come back to it',
    () =>
      withServerOutput(async () => {
        signedIn = await openPage(required(browser, 'Chromium'), base());
        const page = user();
        await page.goto('/team/secret/container_registry');

        await page.waitForURL(/\/users\/sign_in\?return_to=%2Fteam%2Fsecret%2Fcontainer_registry$/);
        await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
        await look(page, 'sign-in');

        await page.getByLabel('Username or email').fill('root');
        await page.getByLabel('Password').fill('not the password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page
          .getByRole('alert')
          .filter({ hasText: /Invalid login or password/ })
          .waitFor();

        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(/\/team\/secret\/container_registry$/);
        await page.getByText('Signed in as').waitFor();
        await page.getByRole('heading', { name: 'No images yet' }).waitFor();
        await look(page, 'container-registry-empty');
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when two images are pushed with docker, then the project registry lists them with tag counts',
    () =>
      withServerOutput(async () => {
        const images = required(world, 'the images');
        await images.pushImage('team/app/alpha', '1.0');
        await images.pushImage('team/app/alpha', '2.0');
        await images.pushImage('team/app/alpha', '3.0');
        await images.pushImage('team/app/alpha', '4.0');
        await images.pushImage('team/app/beta', 'latest');
        await images.pushIndex('team/app/multi', '1');
        const page = user();

        await page.goto('/team/app/container_registry');
        await rows(page).first().waitFor();

        await expect(rows(page).count()).resolves.toBe(3);
        const alpha = rows(page).filter({ hasText: 'team/app/alpha' });
        await expect(alpha.locator('td[data-label="Tags"]').textContent()).resolves.toBe('4');
        await expect(page.getByText(`docker push ${host()}/team/app`).isVisible()).resolves.toBe(false);
        await page.getByText('CLI commands').click();
        await page.getByText(`docker push ${host()}/team/app`).waitFor();
        await look(page, 'container-registry');
      }),
    STEP_TIMEOUT_MS * 2,
  );

  it(
    'when the list is searched and sorted, then the URL keeps the view and a reload or a copied URL shows it again',
    () =>
      withServerOutput(async () => {
        const page = user();
        await page.getByPlaceholder('Search images by name').fill('a');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.getByLabel('Sort by').selectOption('name_desc');
        await page.waitForURL(/search=a&sort=name_desc$/);
        // "a" is in alpha and beta, not in multi; Z to A puts beta first.
        await waitUntil(async () => ((await rows(page).count()) === 2 ? true : undefined), {
          timeoutMs: 10_000,
          description: 'the search to leave alpha and beta',
        });
        await expect(rows(page).first().textContent()).resolves.toContain('team/app/beta');

        await page.getByPlaceholder('Search images by name').fill('bet');
        await page.getByRole('button', { name: 'Search' }).click();
        await page.waitForURL(/search=bet&sort=name_desc$/);
        await waitUntil(async () => ((await rows(page).count()) === 1 ? true : undefined), {
          timeoutMs: 10_000,
          description: 'the search to leave one repository',
        });
        const url = page.url();

        await page.reload();
        await rows(page).first().waitFor();
        await expect(rows(page).count()).resolves.toBe(1);
        await expect(page.getByPlaceholder('Search images by name').inputValue()).resolves.toBe('bet');
        await expect(page.getByLabel('Sort by').inputValue()).resolves.toBe('name_desc');

        const copied = await openPage(required(browser, 'Chromium'), base());
        try {
          await copied.page.goto(url);
          await copied.page.locator('table.list tbody tr').first().waitFor();
          await expect(copied.page.locator('table.list tbody tr').count()).resolves.toBe(1);
          await expect(copied.page.locator('table.list tbody tr').first().textContent()).resolves.toContain(
            'team/app/beta',
          );
          expect(copied.problems).toEqual([]);
        } finally {
          await copied.close();
        }
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when the copy button beside an image path is pressed, then the clipboard holds the path',
    () =>
      withServerOutput(async () => {
        const page = user();
        await page.getByRole('button', { name: `Copy image path ${host()}/team/app/beta` }).click();
        await page.getByText('Copied').waitFor();

        await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(
          `${host()}/team/app/beta`,
        );
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when a repository page is opened, then its tags show digest, size and platforms, and tags are deleted one at a time or by selection',
    () =>
      withServerOutput(async () => {
        const page = user();
        await page.goto('/team/app/container_registry?search=multi');
        await page.getByRole('link', { name: 'team/app/multi' }).click();
        await rows(page).first().waitFor();
        await page.getByText('linux/').first().waitFor();
        await look(page, 'repository-multi-arch');

        await page.goto('/team/app/container_registry?search=alpha');
        await page.getByRole('link', { name: 'team/app/alpha' }).click();
        await rows(page).nth(1).waitFor();
        // Each tag's details arrive in a request of their own, after the list.
        await rows(page)
          .first()
          .locator('td[data-label="Digest"]')
          .getByText(/^sha256:[0-9a-f]{12}$/)
          .waitFor();
        await rows(page).first().locator('td[data-label="Size"]').getByText(/KiB$/).waitFor();
        await look(page, 'repository');

        await page.getByRole('button', { name: 'Delete tag 1.0' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('heading', { name: 'Delete tag 1.0?' }).waitFor();
        await look(page, 'repository-delete-dialog');
        await dialog.getByRole('button', { name: 'Delete tag' }).click();
        await dialog.waitFor({ state: 'detached' });

        await waitUntil(async () => ((await rows(page).count()) === 3 ? true : undefined), {
          timeoutMs: 10_000,
          description: 'tag 1.0 to leave the list',
        });

        await page.getByLabel('Select tag 3.0').check();
        await page.getByLabel('Select tag 4.0').check();
        await page.getByRole('button', { name: 'Delete selected (2)' }).click();
        await dialog.getByRole('button', { name: 'Delete tags' }).click();
        await dialog.waitFor({ state: 'detached' });
        await waitUntil(async () => ((await rows(page).count()) === 1 ? true : undefined), {
          timeoutMs: 10_000,
          description: 'tags 3.0 and 4.0 to leave the list',
        });
        await expect(rows(page).first().textContent()).resolves.toContain('2.0');
        const tags = await required(api, 'the API').request<{ name: string }[]>(
          'GET',
          `/projects/${required(world, 'the world').appId}/registry/repositories?tags=true&name=alpha`,
          200,
        );
        expect(tags[0]).toMatchObject({ tags: [expect.objectContaining({ name: '2.0' })] });
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when a repository is deleted from the list, then the cleanup worker deletes it and it leaves the list',
    () =>
      withServerOutput(async () => {
        const page = user();
        await page.goto('/team/app/container_registry');
        await rows(page).first().waitFor();
        await page.getByRole('button', { name: 'Delete image repository team/app/beta' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Delete repository' }).click();

        await waitUntil(
          async () => ((await page.getByText('team/app/beta').count()) === 0 ? true : undefined),
          {
            timeoutMs: 60_000,
            description: 'the cleanup worker to delete team/app/beta and the list to drop it',
          },
        );
        await expect(rows(page).count()).resolves.toBe(2);
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when a cleanup policy with an invalid regular expression is saved, then the error shows at its field, and a valid one saves',
    () =>
      withServerOutput(async () => {
        const page = user();
        await page.goto('/team/app/-/settings/packages_and_registries');
        const removeMatching = page.getByLabel('Remove tags matching (RE2 regular expression)');
        await removeMatching.waitFor();
        await page.getByLabel('Enabled').check();
        await removeMatching.fill('v[');
        await page.getByRole('button', { name: 'Save' }).first().click();

        const error = page.locator('#name_regex_delete-error');
        await error.waitFor();
        await expect(error.textContent()).resolves.toMatch(/RE2/);
        await look(page, 'settings-field-error');

        await removeMatching.fill('^dev-.*');
        await page.getByLabel('Keep the most recent').selectOption('5');
        await page.getByRole('button', { name: 'Save' }).first().click();
        await page.getByText('Saved.').waitFor();
        const project = await required(api, 'the API').request<{
          container_expiration_policy: Record<string, unknown>;
        }>('GET', `/projects/${required(world, 'the world').appId}`, 200);
        expect(project.container_expiration_policy).toMatchObject({
          enabled: true,
          keep_n: 5,
          name_regex_delete: '^dev-.*',
        });
        await look(page, 'settings');
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when an npm package is published, then its page lists its files and its install snippet installs it',
    () =>
      withServerOutput(async () => {
        const projectId = required(world, 'the world').appId;
        const registry = `${base()}/api/v4/projects/${projectId}/packages/npm/`;
        const rootToken = required(stowage, 'standalone mode').rootToken;
        npm = await createNpmClient({ scopes: { '@team': registry }, tokens: { [registry]: rootToken } });
        const packageDir = await writeNpmPackage(path.join(npm.home.dir, 'widget'), {
          name: '@team/widget',
          version: '1.0.0',
        });
        succeeded(await npm.run(['publish'], packageDir), 'npm publish');
        const page = user();

        await page.goto('/team/app/-/packages');
        await page.getByRole('link', { name: '@team/widget' }).click();
        await page.getByRole('heading', { name: 'Files' }).waitFor();
        await page.getByText('widget-1.0.0.tgz').waitFor();
        await look(page, 'package');

        const npmrc = await page.getByLabel('.npmrc', { exact: true }).textContent();
        const install = await page.getByLabel('npm install command', { exact: true }).textContent();
        expect(install).toBe('npm install @team/widget@1.0.0');
        const consumer = await writeEmptyNpmProject(await mkdtemp(path.join(npm.home.dir, 'consumer-')));
        // npm reads a project's .npmrc and fills ${NPM_TOKEN} from the environment; the client
        // runs with a fixed environment, so the token goes in as npm would put it.
        await writeFile(path.join(consumer, '.npmrc'), `${npmrc!.replace('${NPM_TOKEN}', rootToken)}\n`);
        const cache = await mkdtemp(path.join(npm.home.dir, 'cache-'));
        succeeded(
          await npm.run([...install!.split(' ').slice(1), '--no-package-lock', '--cache', cache], consumer),
          install!,
        );

        await page.goto('/team/app/-/packages?type=npm&sort=name_asc');
        await rows(page).first().waitFor();
        await look(page, 'packages');
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when an image was pulled through the dependency proxy, then its page shows the prefix, the cached image and the storage',
    () =>
      withServerOutput(async () => {
        const { groupId, docker } = required(world, 'the world');
        // The instance itself is the upstream: the proxy fetches team/app/multi from its own registry.
        await putProxySettings(required(api, 'the API'), groupId, {
          enabled: true,
          upstreams: [
            {
              name: 'self',
              url: base(),
              username: 'root',
              password: required(stowage, 'standalone mode').rootToken,
            },
          ],
        });
        const ref = `${host()}/team/dependency_proxy/containers/team/app/multi:1`;
        succeeded(await docker.docker(['pull', ref]), `docker pull ${ref}`);
        await docker.docker(['image', 'rm', ref]);
        const page = user();

        await page.goto('/groups/team/-/dependency_proxy');
        await page.getByRole('heading', { name: 'Cached images' }).waitFor();
        await page.getByText('team/app/multi:1').waitFor();
        await page.getByText(/\d+ images?, \d+ blobs?, .+ in all/).waitFor();
        await expect(page.getByLabel('image prefix', { exact: true }).textContent()).resolves.toBe(
          `${host()}/team/dependency_proxy/containers`,
        );
        await look(page, 'dependency-proxy');
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when the group pages are opened, then they list the group’s images and packages',
    () =>
      withServerOutput(async () => {
        const page = user();
        await page.goto('/groups/team/-/container_registries');
        await rows(page).first().waitFor();
        await expect(rows(page).count()).resolves.toBe(2);
        await look(page, 'group-container-registries');

        await page.goto('/groups/team/-/packages');
        await page.getByRole('link', { name: '@team/widget' }).waitFor();
        await look(page, 'group-packages');

        await page.goto('/');
        await page.getByRole('link', { name: 'team / app' }).waitFor();
        await look(page, 'home');
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when an anonymous visitor opens the public project, then they see its images and packages but no delete button',
    () =>
      withServerOutput(async () => {
        const anonymous = await openPage(required(browser, 'Chromium'), base());
        try {
          const page = anonymous.page;
          await page.goto('/team/app/container_registry');
          await rows(page).first().waitFor();
          await expect(rows(page).count()).resolves.toBe(2);
          await expect(page.getByRole('button', { name: /^Delete/ }).count()).resolves.toBe(0);
          await page.getByRole('link', { name: 'Sign in' }).waitFor();
          await look(page, 'anonymous-container-registry');

          await page.getByRole('link', { name: 'team/app/alpha' }).click();
          await rows(page).first().waitFor();
          await expect(page.getByRole('button', { name: /^Delete/ }).count()).resolves.toBe(0);
          await expect(page.getByRole('checkbox').count()).resolves.toBe(0);

          await page.goto('/team/app/-/packages');
          await page.getByRole('link', { name: '@team/widget' }).click();
          await page.getByText('widget-1.0.0.tgz').waitFor();
          await expect(page.getByRole('button', { name: /^Delete/ }).count()).resolves.toBe(0);
          await look(page, 'anonymous-package');
          expect(anonymous.problems).toEqual([]);
        } finally {
          await anonymous.close();
        }
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when the session has expired, then a private page sends the user to sign in and back to it',
    () =>
      withServerOutput(async () => {
        const { page, context } = required(signedIn, 'the signed-in tab');
        // To the server a session that expired or was ended elsewhere is an unknown cookie.
        await context.addCookies([{ name: '_stowage_session', value: randomSecret(), url: base() }]);

        await page.goto('/team/secret/container_registry');
        await page.waitForURL(/\/users\/sign_in\?return_to=%2Fteam%2Fsecret%2Fcontainer_registry$/);
        await page.getByLabel('Username or email').fill('root');
        await page.getByLabel('Password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL(/\/team\/secret\/container_registry$/);
        await page.getByText('Signed in as').waitFor();
      }),
    STEP_TIMEOUT_MS,
  );

  it(
    'when the user signs out, then the private project sends them to sign in again',
    () =>
      withServerOutput(async () => {
        const page = user();
        await page.goto('/team/app/container_registry');
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByRole('link', { name: 'Sign in' }).waitFor();

        await page.goto('/team/secret/container_registry');
        await page.waitForURL(/\/users\/sign_in\?return_to=/);
      }),
    STEP_TIMEOUT_MS,
  );
});
