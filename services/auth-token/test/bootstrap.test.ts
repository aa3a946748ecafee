import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@stowage/config';
import { authenticate } from '../src/domain/authenticate';
import { bootstrapRoot } from '../src/domain/bootstrap';
import { openIdentityDb, type IdentityDb } from './support/identity-db';

describe('root bootstrap', () => {
  let identity: IdentityDb;
  let dataDir: string;
  beforeAll(async () => {
    identity = await openIdentityDb();
  });
  afterAll(() => identity.close());
  beforeEach(async () => {
    await identity.reset();
    dataDir = mkdtempSync(join(tmpdir(), 'stowage-bootstrap-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when nothing is configured, then root gets generated secrets written 0600 under DATA_DIR, and they work', async () => {
    const result = await bootstrapRoot(identity.prisma, {
      initialRootPassword: '',
      initialRootToken: '',
      dataDir,
    });
    expect(result).toMatchObject({ created: true });
    const password = readFileSync(join(dataDir, 'initial_root_password'), 'utf8').trim();
    const token = readFileSync(join(dataDir, 'initial_root_token'), 'utf8').trim();
    for (const file of ['initial_root_password', 'initial_root_token']) {
      expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
    }
    await expect(
      authenticate(identity.prisma, { kind: 'basic', username: 'root', password }),
    ).resolves.toMatchObject({ kind: 'user', user: { username: 'root', admin: true } });
    await expect(authenticate(identity.prisma, { kind: 'private_token', token })).resolves.toMatchObject({
      kind: 'user',
      scopes: ['api'],
    });
  });

  it('when secrets come from the environment, then they are used and no file is written', async () => {
    const token = 'a-root-token-from-a-secret-store-0123';
    const result = await bootstrapRoot(identity.prisma, {
      initialRootPassword: 'from the environment',
      initialRootToken: token,
      dataDir,
    });
    expect(result).toEqual({ created: true, userId: expect.any(Number), writtenFiles: [] });
    await expect(authenticate(identity.prisma, { kind: 'bearer', token })).resolves.not.toBeNull();
  });

  it('when users already exist, then a second start changes nothing', async () => {
    await bootstrapRoot(identity.prisma, {
      initialRootPassword: 'first password',
      initialRootToken: '',
      dataDir,
    });
    const again = await bootstrapRoot(identity.prisma, {
      initialRootPassword: 'second password',
      initialRootToken: '',
      dataDir,
    });
    expect(again).toEqual({ created: false });
    await expect(
      authenticate(identity.prisma, { kind: 'basic', username: 'root', password: 'second password' }),
    ).resolves.toBeNull();
  });

  it.each([
    ['a too short password', { initialRootPassword: 'short', initialRootToken: '' }],
    [
      'a token with spaces',
      { initialRootPassword: '', initialRootToken: 'has spaces in it but is long enough' },
    ],
    ['a too short token', { initialRootPassword: '', initialRootToken: 'tiny' }],
  ])(
    'when the environment gives %s, then start-up fails naming the variable and creates nobody',
    async (_, env) => {
      await expect(bootstrapRoot(identity.prisma, { ...env, dataDir })).rejects.toThrow(ConfigError);
      expect(await identity.prisma.user.count()).toBe(0);
    },
  );

  it('when DATA_DIR cannot be written, then no root is created and no secret is left behind', async () => {
    const notADirectory = join(dataDir, 'file');
    writeFileSync(notADirectory, '');
    await expect(
      bootstrapRoot(identity.prisma, {
        initialRootPassword: 'a fine password',
        initialRootToken: '',
        dataDir: notADirectory,
      }),
    ).rejects.toThrow(/DATA_DIR/);
    expect(await identity.prisma.user.count()).toBe(0);
    expect(await identity.prisma.namespace.count()).toBe(0);
  });
});
