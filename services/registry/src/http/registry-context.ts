import type { BlobStore } from '@stowage/blob-store';
import type { PrismaClient } from '@stowage/registry-data';
import type { BlobLinkCache } from '../caches/blob-link-cache';
import type { ManifestCache } from '../caches/manifest-cache';
import type { BlobUploads } from '../uploads/blob-uploads';

/** What the `/v2/` handlers work with. */
export interface RegistryContext {
  prisma: PrismaClient;
  blobs: BlobStore;
  uploads: BlobUploads;
  /** Manifests served to pulls, read through this replica's cache. */
  manifests: ManifestCache;
  /** Which blobs a repository may serve, read through this replica's cache. */
  blobLinks: BlobLinkCache;
  /** Where clients get tokens: `<external url>/jwt/auth`. */
  realm: string;
  /** Seconds a presigned blob URL lives; 0 serves blobs through the registry (the default). */
  blobRedirectSeconds: number;
}
