import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startS3Server } from '@stowage/testing';

function isRefused(url: string): Promise<boolean> {
  return fetch(url).then(
    () => false,
    () => true,
  );
}

describe('startS3Server', () => {
  it('when two servers start in parallel, then each serves its own bucket and stop shuts it down', async () => {
    const servers = await Promise.all([startS3Server(), startS3Server()]);
    try {
      const [one, two] = servers;
      expect(one?.endpoint).not.toBe(two?.endpoint);
      expect(one?.bucket).not.toBe(two?.bucket);
      for (const server of servers) {
        expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await fetch(`${server.endpoint}/${server.bucket}`)).status).toBe(200);
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }

    for (const server of servers) expect(await isRefused(`${server.endpoint}/${server.bucket}`)).toBe(true);
    await servers[0]?.stop();
  });

  it('when the process that started the server goes away, then the server process exits too', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'stowage-s3rver-test-'));
    try {
      const child = spawn(process.execPath, [
        path.join(__dirname, '..', 's3rver-process.js'),
        directory,
        'orphan-check',
      ]);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await new Promise((resolve) => child.stdout.once('data', resolve));

      // Our end of its stdin closing is what the OS does when the parent dies.
      child.stdin.end();

      expect(await exited).toBe(0);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
