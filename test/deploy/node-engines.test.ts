import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';

/**
 * The image and package.json declare one Node major; a dependency whose `engines` range excludes
 * it installs with a warning and then fails at run time (node-gyp crashing on Node 20, say).
 * .npmrc's engine-strict refuses such a package on the Node that installs; this check also holds
 * for the lowest Node the project declares, whichever Node runs the tests.
 */
const REPO_ROOT = path.resolve(__dirname, '../..');

interface LockedPackage {
  engines?: { node?: string };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as T;
}

describe('Node versions', () => {
  const declared = readJson<{ engines: { node: string } }>('package.json').engines.node;
  const lowest = semver.minVersion(declared)?.version ?? '';
  const lockfile = parse(readFileSync(path.join(REPO_ROOT, 'pnpm-lock.yaml'), 'utf8')) as {
    packages: Record<string, LockedPackage>;
  };

  it('when reading the lockfile, then every locked package runs on the lowest Node the project declares', () => {
    const excluding = Object.entries(lockfile.packages)
      .filter(([, locked]) => locked.engines?.node && !semver.satisfies(lowest, locked.engines.node))
      .map(([name, locked]) => `${name} (node ${locked.engines?.node})`);

    expect(lowest).toMatch(/^20\./);
    expect(excluding).toEqual([]);
  });

  it('when reading the Dockerfile and .npmrc, then the image uses that Node major and installs refuse other engines', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'infra/docker/Dockerfile'), 'utf8');
    const npmrc = readFileSync(path.join(REPO_ROOT, '.npmrc'), 'utf8');

    expect(dockerfile).toMatch(new RegExp(`^ARG NODE_IMAGE=node:${semver.major(lowest)}-`, 'm'));
    expect(npmrc).toMatch(/^engine-strict=true$/m);
  });
});
