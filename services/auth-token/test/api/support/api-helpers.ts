import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from '@stowage/logging';
import type { PrismaClient, User } from '../../../src/generated/prisma/client';
import type { PersonalAccessTokenScope } from '../../../src/domain/scopes';
import { createPersonalAccessToken, createUser } from '../../support/identity-fixtures';

/** A user with a PAT to call the API with (scope `api` unless told otherwise). */
export async function signedIn(
  prisma: PrismaClient,
  options: { admin?: boolean; scopes?: PersonalAccessTokenScope[] } = {},
): Promise<{ user: User; token: string; tokenId: number; headers: Record<string, string> }> {
  const user = await createUser(prisma, { admin: options.admin ?? false });
  const { id, token } = await createPersonalAccessToken(prisma, user, options.scopes ?? ['api']);
  return { user, token, tokenId: id, headers: { 'Private-Token': token } };
}

/** Payloads of the outbox events of one type, oldest first. */
export async function eventPayloads(prisma: PrismaClient, type: string): Promise<unknown[]> {
  const rows = await prisma.outboxEvent.findMany({ where: { type }, orderBy: { seq: 'asc' } });
  return rows.map((row) => row.payload);
}

/** Every column of one row as text, to prove a secret is not among them. */
export async function rowText(prisma: PrismaClient, table: string, id: number): Promise<string> {
  const rows = await prisma.$queryRawUnsafe<unknown[]>(
    `SELECT * FROM "auth_token"."${table}" WHERE id = $1`,
    id,
  );
  expect(rows).toHaveLength(1);
  return JSON.stringify(rows[0]);
}

/** A real JSON logger whose lines the test can read. */
export function capturingLogger(): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  /** Everything logged, as written (to check that no secret is in it). */
  text: () => string;
} {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({ service: 'auth-token', stream });
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
