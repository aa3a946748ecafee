import { readdir } from 'node:fs/promises';
import { startHeldRequest } from './support/held-request';
import { freeLoopbackPort, makeTempDir, removeDir, runNodeScript } from './support/processes';
import {
  STANDALONE,
  START_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  startStandalone,
  type StandaloneInstance as Instance,
} from './support/standalone';

const REGISTRY_MAIN = 'services/registry/dist/main.js';

async function currentKid(instance: Instance): Promise<string> {
  const response = await fetch(`${instance.base}/-/jwks`);
  expect(response.status).toBe(200);
  const jwks = (await response.json()) as { keys: Array<{ kid: string }> };
  expect(jwks.keys.length).toBeGreaterThan(0);
  return jwks.keys[0]!.kid;
}

async function expectChallenge(instance: Instance, externalUrl: string): Promise<void> {
  const response = await fetch(`${instance.base}/v2/`);

  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe(
    `Bearer realm="${externalUrl}/jwt/auth",service="container_registry"`,
  );
  expect(await response.json()).toEqual({
    errors: [expect.objectContaining({ code: 'UNAUTHORIZED', message: expect.any(String) })],
  });
}

const hasMessage = (message: string) => (line: Record<string, unknown>) => line.message === message;

function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '');
}

describe('standalone mode (node services/launcher/dist/standalone.js)', () => {
  let dataDir: string;
  let kidBeforeRestart: string;

  beforeAll(async () => {
    dataDir = await makeTempDir('e2e-standalone');
  });

  afterAll(async () => {
    await removeDir(dataDir);
  });

  describe('on a fresh DATA_DIR with EXTERNAL_URL unset', () => {
    let instance: Instance;

    beforeAll(async () => {
      instance = await startStandalone({ DATA_DIR: dataDir });
    }, START_TIMEOUT_MS);

    afterAll(async () => {
      await instance?.process.stop();
    }, STOP_TIMEOUT_MS);

    it('when it has started, then it logs readiness with http://localhost:<port> as its external URL', () => {
      const ready = instance.process.logs().find(hasMessage('stowage is ready'));

      expect(ready).toMatchObject({ url: `http://localhost:${instance.port}`, dataDir });
    });

    it('when /v2/ is requested without a token, then it answers 401 with a Bearer challenge on http://localhost:<port>', async () => {
      await expectChallenge(instance, `http://localhost:${instance.port}`);
    });

    it('when /-/jwks is requested, then it serves the signing key it created', async () => {
      kidBeforeRestart = await currentKid(instance);

      expect(instance.process.logs().find(hasMessage('created signing key'))).toMatchObject({
        kid: kidBeforeRestart,
      });
    });

    it(
      'when a second instance starts on the same port, then it exits non-zero with one line on stderr and the first keeps serving',
      async () => {
        const otherDataDir = await makeTempDir('e2e-standalone-second');
        try {
          const second = await runNodeScript(
            STANDALONE,
            { HOST: '127.0.0.1', PORT: String(instance.port), DATA_DIR: otherDataDir },
            START_TIMEOUT_MS - 10_000,
          );

          expect(second.code).not.toBe(0);
          expect(second.code).not.toBeNull();
          const lines = stderrLines(second.stderr);
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(/EADDRINUSE|already in use/);
          expect(lines[0]).toContain(String(instance.port));
          const readiness = await fetch(`${instance.base}/-/readiness`);
          expect(readiness.status).toBe(200);
        } finally {
          await removeDir(otherDataDir);
        }
      },
      START_TIMEOUT_MS,
    );

    it(
      'when SIGTERM arrives during an upload, then the upload completes, it logs "stopped cleanly" and exits 0',
      async () => {
        const upload = startHeldRequest(
          `${instance.base}/v2/e2e/project/blobs/uploads/00000000-0000-4000-8000-000000000000`,
          {
            method: 'PATCH',
            headers: { 'content-type': 'application/octet-stream' },
            first: Buffer.alloc(64 * 1024, 1),
          },
        );
        try {
          // Every route answers before reading the body today, so the answer proves the gateway
          // holds the request; the rest of the body is still to come.
          await upload.responseStarted;
          let uploadFinishedBeforeExit: boolean | undefined;
          void instance.process.exited.then(() => (uploadFinishedBeforeExit ??= false));

          instance.process.signal('SIGTERM');
          await instance.process.waitForLog(hasMessage('shutting down'), 10_000);
          const response = await upload.finish(Buffer.alloc(256 * 1024, 2));
          uploadFinishedBeforeExit ??= true;
          const exit = await instance.process.exited;

          expect(uploadFinishedBeforeExit).toBe(true);
          expect(response.status).toBe(401);
          expect(JSON.parse(response.body)).toEqual({
            errors: [expect.objectContaining({ code: 'UNAUTHORIZED' })],
          });
          expect(exit).toEqual({ code: 0, signal: null });
          expect(instance.process.logs().find(hasMessage('stopped cleanly'))).toBeDefined();
          expect(instance.process.nonJsonStdoutLines()).toEqual([]);
          expect(instance.process.stderr()).toBe('');
        } finally {
          upload.close();
        }
      },
      STOP_TIMEOUT_MS,
    );

    it('when it has stopped, then DATA_DIR holds the PGlite database and the blobs', async () => {
      const entries = await readdir(dataDir, { withFileTypes: true });

      expect(entries.filter((e) => e.isDirectory()).map((e) => e.name)).toEqual(
        expect.arrayContaining(['pglite', 'blobs']),
      );
    });
  });

  describe('restarted on the same DATA_DIR with a custom EXTERNAL_URL', () => {
    const externalUrl = 'https://registry.example.test';
    let instance: Instance;

    beforeAll(async () => {
      instance = await startStandalone({ DATA_DIR: dataDir, EXTERNAL_URL: externalUrl });
    }, START_TIMEOUT_MS);

    afterAll(async () => {
      await instance?.process.stop();
    }, STOP_TIMEOUT_MS);

    it('when /-/jwks is requested, then it serves the same signing key as before the restart', async () => {
      expect(kidBeforeRestart).toEqual(expect.any(String));
      expect(await currentKid(instance)).toBe(kidBeforeRestart);
      expect(instance.process.logs().find(hasMessage('created signing key'))).toBeUndefined();
      expect(instance.process.logs().find(hasMessage('applied migration'))).toBeUndefined();
    });

    it('when /v2/ is requested without a token, then the challenge names EXTERNAL_URL', async () => {
      await expectChallenge(instance, externalUrl);
    });

    it(
      'when SIGTERM arrives with nothing in flight, then it logs "stopped cleanly" and exits 0',
      async () => {
        const exit = await instance.process.stop();

        expect(exit).toEqual({ code: 0, signal: null });
        expect(instance.process.logs().find(hasMessage('stopped cleanly'))).toBeDefined();
      },
      STOP_TIMEOUT_MS,
    );
  });
});

describe('one DATA_DIR, one process', () => {
  let dataDir: string;
  const running: Instance[] = [];

  beforeAll(async () => {
    dataDir = await makeTempDir('e2e-standalone-lock');
  });

  afterAll(async () => {
    await Promise.all(running.map((instance) => instance.process.stop()));
    await removeDir(dataDir);
  }, STOP_TIMEOUT_MS);

  it(
    'when a second process starts on a DATA_DIR in use, then it is refused; once the first is killed with SIGKILL, a new one starts',
    async () => {
      const first = await startStandalone({ DATA_DIR: dataDir });
      running.push(first);

      const refused = await runNodeScript(
        STANDALONE,
        { HOST: '127.0.0.1', PORT: String(await freeLoopbackPort()), DATA_DIR: dataDir },
        START_TIMEOUT_MS - 10_000,
      );
      const firstReadiness = (await fetch(`${first.base}/-/readiness`)).status;
      // No chance to unlock: its successor must find the lock stale rather than released.
      first.process.signal('SIGKILL');
      const killed = await first.process.exited;
      const successor = await startStandalone({ DATA_DIR: dataDir });
      running.push(successor);

      expect(refused.code).toBe(1);
      expect(stderrLines(refused.stderr)).toEqual([
        expect.stringMatching(/DATA_DIR .+ is in use by another running/),
      ]);
      expect(firstReadiness).toBe(200);
      expect(killed).toEqual({ code: null, signal: 'SIGKILL' });
      expect(await currentKid(successor)).toEqual(expect.any(String));
    },
    3 * START_TIMEOUT_MS,
  );
});

describe('bad configuration', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await makeTempDir('e2e-bad-config');
  });

  afterAll(async () => {
    await removeDir(dataDir);
  });

  it.each([
    ['standalone', 'PORT', '99999', STANDALONE],
    ['standalone', 'DATABASE_URL', 'mysql://x', STANDALONE],
    ['standalone', 'LOG_LEVEL', 'loud', STANDALONE],
    ['registry', 'PORT', 'abc', REGISTRY_MAIN],
  ])(
    'when %s starts with %s=%s, then it exits 2 with one line on stderr naming the variable and touches nothing',
    async (_name, variable, value, script) => {
      const run = await runNodeScript(script, { DATA_DIR: dataDir, [variable]: value });

      expect(run.code).toBe(2);
      const lines = stderrLines(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(variable);
      expect(await readdir(dataDir)).toEqual([]);
    },
    30_000,
  );
});
