import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@stowage/config';
import type { PrismaClient } from '../generated/prisma/client';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords';
import { routeKey } from './paths';
import { digestToken, newToken } from './tokens';

export const ROOT_USERNAME = 'root';
export const INITIAL_ROOT_PASSWORD_FILE = 'initial_root_password';
export const INITIAL_ROOT_TOKEN_FILE = 'initial_root_token';

export interface BootstrapOptions {
  /** From INITIAL_ROOT_PASSWORD; empty means generate one. */
  initialRootPassword: string;
  /** From INITIAL_ROOT_TOKEN; empty means generate one. */
  initialRootToken: string;
  /** Where generated secrets are written (DATA_DIR). */
  dataDir: string;
}

export type BootstrapResult = { created: false } | { created: true; userId: number; writtenFiles: string[] };

const PRINTABLE_TOKEN = /^[\x21-\x7e]{20,255}$/;

/** Refuses unusable secrets from the environment before anything is written. */
function checkProvided(options: BootstrapOptions): void {
  const password = options.initialRootPassword;
  if (password && (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH)) {
    throw new ConfigError(
      `INITIAL_ROOT_PASSWORD: must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
    );
  }
  if (options.initialRootToken && !PRINTABLE_TOKEN.test(options.initialRootToken)) {
    throw new ConfigError('INITIAL_ROOT_TOKEN: must be 20 to 255 printable characters without spaces');
  }
}

/**
 * Writes a generated secret readable by the owner only. A file left from an earlier database
 * (no users exist, so its secret opens nothing) is replaced, not rewritten, so the mode holds.
 */
function writeSecretFile(dataDir: string, name: string, secret: string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, name);
  rmSync(path, { force: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return path;
}

/**
 * Creates the `root` admin, with its personal namespace and an `api` token, the first time
 * auth-token starts on an empty database (an advisory lock keeps concurrent replicas from
 * doing it twice). Secrets not given in the environment are generated and written to files
 * under DATA_DIR with mode 0600 before the commit, so a failed write creates no user whose
 * password nobody knows.
 */
export async function bootstrapRoot(
  prisma: PrismaClient,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  checkProvided(options);
  // Files written for a transaction that then fails to commit are removed again.
  const writtenFiles: string[] = [];
  try {
    return await createRootOnce(prisma, options, writtenFiles);
  } catch (error) {
    for (const path of writtenFiles) rmSync(path, { force: true });
    throw error;
  }
}

function createRootOnce(
  prisma: PrismaClient,
  options: BootstrapOptions,
  writtenFiles: string[],
): Promise<BootstrapResult> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('auth_token.bootstrap'))`);
    if ((await tx.user.count()) > 0) return { created: false };

    const password = options.initialRootPassword || randomBytes(24).toString('base64url');
    const token = options.initialRootToken || newToken('personalAccessToken').token;
    const user = await tx.user.create({
      data: {
        username: ROOT_USERNAME,
        usernameKey: ROOT_USERNAME,
        email: 'admin@example.com',
        emailKey: 'admin@example.com',
        name: 'Administrator',
        passwordHash: await hashPassword(password),
        admin: true,
      },
    });
    await tx.namespace.create({
      data: {
        kind: 'user',
        name: ROOT_USERNAME,
        path: ROOT_USERNAME,
        fullPath: ROOT_USERNAME,
        ownerId: user.id,
        visibility: 'public',
        route: { create: { pathKey: routeKey(ROOT_USERNAME), fullPath: ROOT_USERNAME } },
      },
    });
    await tx.personalAccessToken.create({
      data: { userId: user.id, name: 'initial root token', tokenDigest: digestToken(token), scopes: ['api'] },
    });

    try {
      if (!options.initialRootPassword) {
        writtenFiles.push(writeSecretFile(options.dataDir, INITIAL_ROOT_PASSWORD_FILE, password));
      }
      if (!options.initialRootToken) {
        writtenFiles.push(writeSecretFile(options.dataDir, INITIAL_ROOT_TOKEN_FILE, token));
      }
    } catch (error) {
      throw new ConfigError(
        `DATA_DIR: cannot write the generated root credentials (${(error as Error).message}); ` +
          'make it writable or set INITIAL_ROOT_PASSWORD and INITIAL_ROOT_TOKEN',
      );
    }
    return { created: true, userId: user.id, writtenFiles };
  });
}
