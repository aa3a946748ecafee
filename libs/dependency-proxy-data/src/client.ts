import type { PrismaClient } from './generated/prisma/client';

export { PrismaClient, Prisma } from './generated/prisma/client';
export type { CachedBlob, CachedManifest, GroupSettings, Upstream } from './generated/prisma/client';

/** The client, or a transaction of it: what the data functions run on. */
export type ProxyDb = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
