import type { PrismaClient } from './generated/prisma/client';

export { PrismaClient, Prisma } from './generated/prisma/client';
export type {
  NamespacePackageSetting,
  Package,
  PackageBuildInfo,
  PackageCleanupPolicy,
  PackageFile,
  PackageProtectionRule,
  PackageTag,
} from './generated/prisma/client';

/** The client, or a transaction of it: what the data functions run on. */
export type PackageDb = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;
