import { createHash, randomBytes } from 'node:crypto';
import type { BlobStore } from '@stowage/blob-store';
import { packageFileKey, type Package, type PackageFile, type PrismaClient } from '../../src';

let nextName = 0;

/** A package row as a publish leaves it (no object unless a file is added with `addFile`). */
export async function createPackage(
  prisma: PrismaClient,
  fields: Partial<
    Pick<Package, 'projectId' | 'projectPath' | 'packageType' | 'name' | 'version' | 'status' | 'createdAt'>
  > = {},
): Promise<Package> {
  const name = fields.name ?? `pkg-${++nextName}`;
  return prisma.package.create({
    data: {
      projectId: fields.projectId ?? 1,
      projectPath: fields.projectPath ?? 'group/project',
      packageType: fields.packageType ?? 'generic',
      name,
      normalizedName: name,
      version: fields.version === undefined ? '1.0.0' : fields.version,
      status: fields.status ?? 'default',
      ...(fields.createdAt ? { createdAt: fields.createdAt } : {}),
    },
  });
}

/** Random bytes' content address, so no two tests share an object unless they mean to. */
export function randomContent(): { bytes: Buffer; sha256: string } {
  const bytes = randomBytes(24);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * A file of the package with its object stored (content-addressed). Pass `content` to make two
 * files share an object; `createdAt` orders duplicates.
 */
export async function addFile(
  prisma: PrismaClient,
  blobs: BlobStore,
  pkg: Package,
  options: {
    fileName?: string;
    content?: { bytes: Buffer; sha256: string };
    createdAt?: Date;
    status?: string;
  } = {},
): Promise<PackageFile> {
  const content = options.content ?? randomContent();
  const storageKey = packageFileKey(content.sha256);
  await blobs.put(storageKey, content.bytes);
  return prisma.packageFile.create({
    data: {
      packageId: pkg.id,
      fileName: options.fileName ?? 'file.bin',
      size: BigInt(content.bytes.length),
      md5: createHash('md5').update(content.bytes).digest('hex'),
      sha1: createHash('sha1').update(content.bytes).digest('hex'),
      sha256: content.sha256,
      sha512: createHash('sha512').update(content.bytes).digest('hex'),
      storageKey,
      status: options.status ?? 'default',
      ...(options.createdAt ? { createdAt: options.createdAt } : {}),
    },
  });
}

export const stored = async (blobs: BlobStore, key: string): Promise<boolean> =>
  (await blobs.stat(key)) !== null;

export const queuedDeletions = async (prisma: PrismaClient): Promise<string[]> =>
  (await prisma.packageStorageDeletion.findMany({ orderBy: { storageKey: 'asc' } })).map(
    (row) => row.storageKey,
  );

/** The moment after every queued deletion's delay: what a sweep passes as `now` to find them due. */
export const afterDelay = (): Date => new Date(Date.now() + 24 * 60 * 60 * 1000);
