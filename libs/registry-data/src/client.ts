import type { PrismaClient } from './generated/prisma/client';

export { PrismaClient, Prisma } from './generated/prisma/client';
export type { Blob, Manifest, Repository, Tag, Upload } from './generated/prisma/client';

/** The client, or a transaction of it: what the data functions run on. */
export type RegistryDb = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** Prisma's unique-constraint violation: a concurrent writer got there first. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'P2002';
}

/** A foreign key's target is gone: a concurrent delete (GC, most often) won. */
export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'P2003';
}
