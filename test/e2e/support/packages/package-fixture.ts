import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { cleanUpSteps } from '../clean-up';
import { explainFailure } from '../explain-failure';
import type { Credential } from '../identity-world';
import { makeTempDir, removeDir } from '../processes';
import { createPackageIdentities, type PackageIdentities } from './package-identities';
import type { PackageStack } from './package-stack';

/**
 * One stack and one set of identities shared by every scenario of a test file (starting the
 * stack is most of a file's time), with helpers to call the package endpoints as a client would.
 */
export interface PackageWorld {
  stack: PackageStack;
  ids: PackageIdentities;
}

/** How a credential travels: GitLab accepts each of these for packages. */
export type Presentation = 'private-token' | 'deploy-token' | 'job-token' | 'basic' | 'bearer';

export interface CallOptions {
  as?: { credential: Credential; via: Presentation };
  headers?: Record<string, string>;
  body?: RequestInit['body'];
}

export interface PackageFixture {
  mode: string;
  world(): PackageWorld;
  /** A fresh directory under this file's work directory. */
  tempDir(name: string): Promise<string>;
  /** `fetch` of `<gateway>/api/v4<path>` with the credential presented as asked. */
  call(method: string, path: string, options?: CallOptions): Promise<Response>;
  /** Registers a test whose failure shows the recent output of every server involved. */
  step(name: string, body: () => Promise<void>, timeoutMs?: number): void;
}

const DEFAULT_STEP_TIMEOUT_MS = 120_000;

/** Headers that present `credential` the way `via` says. */
export function credentialHeaders(credential: Credential, via: Presentation): Record<string, string> {
  switch (via) {
    case 'private-token':
      return { 'Private-Token': credential.secret };
    case 'deploy-token':
      return { 'Deploy-Token': credential.secret };
    case 'job-token':
      return { 'Job-Token': credential.secret };
    case 'bearer':
      return { Authorization: `Bearer ${credential.secret}` };
    case 'basic':
      return {
        Authorization: `Basic ${Buffer.from(`${credential.username}:${credential.secret}`).toString('base64')}`,
      };
  }
}

export function packageFixture(
  mode: string,
  start: (name: string) => Promise<PackageStack>,
  timeouts: { start: number; stop: number },
): PackageFixture {
  let world: PackageWorld | undefined;
  let stack: PackageStack | undefined;
  let workDir: string | undefined;
  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is missing: the set-up failed`);
    return value;
  };
  const describe = () => stack?.describe() ?? `${mode} was not started`;

  beforeAll(async () => {
    workDir = await makeTempDir(`e2e-packages-${mode}`);
    stack = await start(`e2e-packages-${mode}`);
    const started = stack;
    await explainFailure(describe, async () => {
      world = { stack: started, ids: await createPackageIdentities(started.api, `pkg-${mode}`) };
    });
  }, timeouts.start + 60_000);

  afterAll(async () => {
    const { attempt, finish } = cleanUpSteps();
    await attempt(() => removeDir(workDir));
    await attempt(async () => stack?.stop());
    finish('clean-up failed');
  }, timeouts.stop + 30_000);

  const fixture: PackageFixture = {
    mode,
    world: () => required(world, 'the package world'),
    tempDir: (name) => mkdtemp(path.join(required(workDir, 'the work directory'), `${name}-`)),
    async call(method, path, options = {}) {
      const headers = {
        ...(options.as ? credentialHeaders(options.as.credential, options.as.via) : {}),
        ...options.headers,
      };
      return fetch(`${fixture.world().stack.base}/api/v4${path}`, {
        method,
        headers,
        body: options.body,
        signal: AbortSignal.timeout(60_000),
      });
    },
    step(name, body, timeoutMs = DEFAULT_STEP_TIMEOUT_MS) {
      it(name, () => explainFailure(describe, body), timeoutMs);
    },
  };
  return fixture;
}
