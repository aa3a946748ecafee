import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRun } from '@stowage/testing';
import { createClientHome, type ClientHome } from './client-home';

/**
 * The real npm CLI with a configuration of its own: a user `.npmrc` in a throw-away home naming
 * the registry, scope registries and tokens exactly as GitLab's documentation has users write
 * them, and nothing of the developer's. Every function resolves with the run (exit code, stdout,
 * stderr) so tests can assert refusals as well as successes.
 */

export interface NpmRegistrySetup {
  /** `registry=...`: where unscoped names go (default: none, so only scoped names resolve). */
  registry?: string;
  /** `@scope:registry=...` lines, e.g. `{ '@acme': 'http://127.0.0.1:1234/api/v4/packages/npm/' }`. */
  scopes?: Record<string, string>;
  /** `//host:port/path/:_authToken=...` lines, keyed by the registry URL they are for. */
  tokens?: Record<string, string>;
}

export interface NpmClient {
  readonly home: ClientHome;
  /** The `.npmrc` this client uses as its user config. */
  readonly userconfig: string;
  /** `npm <args>` with this client's configuration, from `cwd` (default: the client's home). */
  run(args: readonly string[], cwd?: string): Promise<CommandRun>;
  /** Rewrites the `.npmrc`, e.g. to switch tokens between steps. */
  configure(setup: NpmRegistrySetup): Promise<void>;
}

/** A registry URL as npm keys its settings: with a trailing slash. */
const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** The `.npmrc` text: npm matches `//host:port/path/:_authToken` against the request URL's prefix. */
export function npmrcText(setup: NpmRegistrySetup): string {
  const lines = [
    // Nothing but the configured registries may be contacted, and no prompt may wait for input.
    'update-notifier=false',
    'audit=false',
    'fund=false',
    'progress=false',
  ];
  if (setup.registry) lines.push(`registry=${withSlash(setup.registry)}`);
  for (const [scope, url] of Object.entries(setup.scopes ?? {}))
    lines.push(`${scope}:registry=${withSlash(url)}`);
  for (const [url, token] of Object.entries(setup.tokens ?? {})) {
    lines.push(`${withSlash(url).replace(/^https?:/, '')}:_authToken=${token}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function createNpmClient(setup: NpmRegistrySetup): Promise<NpmClient> {
  const home = await createClientHome('npm');
  const userconfig = path.join(home.dir, '.npmrc');
  const env = {
    npm_config_userconfig: userconfig,
    // An empty global config, so the machine's /etc/npmrc (a mirror, a CA file) plays no part.
    npm_config_globalconfig: path.join(home.dir, 'global-npmrc'),
    npm_config_cache: path.join(home.dir, '.npm'),
  };
  await writeFile(env.npm_config_globalconfig, '');
  const client: NpmClient = {
    home,
    userconfig,
    run: (args, cwd) => home.run('npm', args, { env, cwd }),
    configure: (next) => writeFile(userconfig, npmrcText(next)),
  };
  await client.configure(setup);
  return client;
}

export interface NpmPackageSpec {
  /** Plain (`left-pad`) or scoped (`@scope/name`). */
  name: string;
  version: string;
  /** Extra files; `index.js` exporting `{ name, version }` is always written. */
  files?: Record<string, string>;
  description?: string;
}

/** Writes a publishable package into `dir` (created when missing); returns `dir`. */
export async function writeNpmPackage(dir: string, spec: NpmPackageSpec): Promise<string> {
  await mkdir(dir, { recursive: true });
  const manifest = {
    name: spec.name,
    version: spec.version,
    description: spec.description ?? `${spec.name} for the registry's end-to-end tests`,
    main: 'index.js',
    license: 'MIT',
  };
  await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(
    path.join(dir, 'index.js'),
    `module.exports = ${JSON.stringify({ name: spec.name, version: spec.version })};\n`,
  );
  for (const [file, content] of Object.entries(spec.files ?? {})) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

/** An empty project to install into (`npm install` needs a package.json to record into). */
export async function writeEmptyNpmProject(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'stowage-consumer', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  return dir;
}

/** `npm publish` of the package in `packageDir` (a prerelease version needs a `tag`). */
export function npmPublish(client: NpmClient, packageDir: string, options: { tag?: string } = {}) {
  return client.run(['publish', ...(options.tag ? ['--tag', options.tag] : [])], packageDir);
}

/**
 * `npm install <specs>` into `projectDir` (e.g. one made by {@link writeEmptyNpmProject}) with a
 * cache of its own, so metadata and tarballs come from the registry even when this client just
 * published them (npm keeps what it publishes in its cache).
 */
export async function npmInstall(client: NpmClient, projectDir: string, specs: readonly string[]) {
  const cache = await mkdtemp(path.join(client.home.dir, 'install-cache-'));
  return client.run(['install', '--no-package-lock', '--cache', cache, ...specs], projectDir);
}

export function npmDistTagAdd(client: NpmClient, nameAtVersion: string, tag: string) {
  return client.run(['dist-tag', 'add', nameAtVersion, tag]);
}

export function npmDistTagRm(client: NpmClient, name: string, tag: string) {
  return client.run(['dist-tag', 'rm', name, tag]);
}

/** `npm dist-tag ls`; {@link parseDistTags} reads its `tag: version` lines. */
export function npmDistTagLs(client: NpmClient, name: string) {
  return client.run(['dist-tag', 'ls', name]);
}

/** `npm deprecate <name@range> <message>` (an empty message un-deprecates). */
export function npmDeprecate(client: NpmClient, nameAtRange: string, message: string) {
  return client.run(['deprecate', nameAtRange, message]);
}

/** `npm view <spec> [field] --json`; {@link viewJson} parses its stdout. */
export function npmView(client: NpmClient, spec: string, field?: string) {
  return client.run(['view', spec, ...(field ? [field] : []), '--json']);
}

export function parseDistTags(run: CommandRun): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const line of run.stdout.split('\n')) {
    const match = /^(\S+): (\S+)$/.exec(line.trim());
    if (match) tags[match[1]!] = match[2]!;
  }
  return tags;
}

export function viewJson(run: CommandRun): unknown {
  return JSON.parse(run.stdout);
}

/** The manifest of `name` as installed into `projectDir`'s node_modules. */
export async function installedManifest(
  projectDir: string,
  name: string,
): Promise<{ name: string; version: string } & Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(projectDir, 'node_modules', name, 'package.json'), 'utf8'));
}
