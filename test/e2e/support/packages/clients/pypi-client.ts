import path from 'node:path';
import type { CommandRun } from '@stowage/testing';
import type { ClientHome } from './client-home';

/**
 * twine and pip as users run them against a PyPI-compatible index. pip only ever sees the one
 * index URL it is given (no config file, no cache, no other index), and installs into a fresh
 * venv, so an install proves the index served the package.
 */

/** Debian's interpreter (with python3-venv), not whatever else is first on PATH. */
const SYSTEM_PYTHON = '/usr/bin/python3';

/** No pip config file, no keyring prompts, no version check against any index. */
const PIP_ENV = {
  PIP_CONFIG_FILE: '/dev/null',
  PIP_NO_INPUT: '1',
  PIP_DISABLE_PIP_VERSION_CHECK: '1',
  PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
};

/** `twine upload` of `files` to `repositoryUrl` (credentials through twine's environment variables). */
export function twineUpload(
  home: ClientHome,
  files: readonly string[],
  repositoryUrl: string,
  username: string,
  password: string,
): Promise<CommandRun> {
  return home.run(
    'twine',
    ['upload', '--non-interactive', '--disable-progress-bar', '--repository-url', repositoryUrl, ...files],
    { env: { ...PIP_ENV, TWINE_USERNAME: username, TWINE_PASSWORD: password } },
  );
}

/** `twine check`: the distributions' metadata is valid and their descriptions render. */
export function twineCheck(home: ClientHome, files: readonly string[]): Promise<CommandRun> {
  return home.run('twine', ['check', '--strict', ...files], { env: PIP_ENV });
}

/**
 * `python3 -m venv <dir>`, a venv with its own pip, as users make one. With
 * `systemSitePackages` it is made without pip (ensurepip takes seconds) and sees Debian's pip and
 * setuptools instead: same pip version, and what building an sdist without network needs.
 */
export function createVenv(
  home: ClientHome,
  dir: string,
  options: { systemSitePackages?: boolean } = {},
): Promise<CommandRun> {
  return home.run(SYSTEM_PYTHON, [
    '-m',
    'venv',
    ...(options.systemSitePackages ? ['--system-site-packages', '--without-pip'] : []),
    dir,
  ]);
}

const venvPython = (venvDir: string) => path.join(venvDir, 'bin', 'python');

/** `pip install --index-url <indexUrl> <name>` into the venv; credentials go in the URL, as users write them. */
export function pipInstall(
  home: ClientHome,
  venvDir: string,
  indexUrl: string,
  name: string,
): Promise<CommandRun> {
  return home.run(
    venvPython(venvDir),
    ['-m', 'pip', 'install', '--no-cache-dir', '--index-url', indexUrl, name],
    { env: PIP_ENV },
  );
}

/** `pip install --no-index <file>`: a wheel, or an sdist built with the venv's own setuptools. */
export function pipInstallFile(home: ClientHome, venvDir: string, file: string): Promise<CommandRun> {
  return home.run(
    venvPython(venvDir),
    ['-m', 'pip', 'install', '--no-cache-dir', '--no-index', '--no-build-isolation', file],
    { env: PIP_ENV },
  );
}

/** Imports `module` in the venv and prints its `VALUE` (see python-dists). */
export function pythonImport(home: ClientHome, venvDir: string, module: string): Promise<CommandRun> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(module)) throw new Error(`not a Python module name: ${module}`);
  return home.run(venvPython(venvDir), ['-c', `import ${module}; print(${module}.VALUE)`], { env: PIP_ENV });
}
