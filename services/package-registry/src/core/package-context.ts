import type { BlobStore } from '@stowage/blob-store';
import type { JobQueue } from '@stowage/bus';
import type { IdentityClient } from '@stowage/identity-client';
import type { Logger } from '@stowage/logging';
import type { PrismaClient } from '@stowage/package-registry-data';

export interface PackageLimits {
  /** Largest package file accepted, in bytes. */
  maxFileBytes: number;
  /** Largest metadata document (JSON, XML, form fields), in bytes. */
  maxMetadataBytes: number;
}

/** What every format's handlers and the Packages API work with. */
export interface PackageContext {
  prisma: PrismaClient;
  blobs: BlobStore;
  jobs: JobQueue;
  identity: IdentityClient;
  /** The gateway's public URL without a trailing slash, for links clients follow. */
  externalUrl: string;
  limits: PackageLimits;
  logger: Logger;
}
