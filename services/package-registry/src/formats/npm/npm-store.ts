import {
  INSTALLABLE_STATUSES,
  type Package,
  type PackageDb,
  type PackageFile,
} from '@stowage/package-registry-data';
import type { NpmVersionRecord } from './npm-metadata';

/**
 * npm's rows: each version is a package (type `npm`, its manifest in `metadata.manifest`) with
 * one tarball file; dist-tags are `package_tags` rows naming the package of a version. Reads see
 * only installable packages (not hidden, processing or being deleted), in the projects given.
 */

export const NPM = 'npm';

export interface NpmPackageMetadata {
  manifest: Record<string, unknown>;
}

function manifestOf(pkg: Package): Record<string, unknown> {
  const metadata = pkg.metadata as Partial<NpmPackageMetadata> | null;
  return metadata?.manifest ?? {};
}

const installable = { in: [...INSTALLABLE_STATUSES] };

/** Every installable version of `name` in the projects; a version in several projects: the newest. */
export async function installableVersions(
  db: PackageDb,
  projectIds: number[],
  name: string,
): Promise<NpmVersionRecord[]> {
  const packages = await db.package.findMany({
    where: { projectId: { in: projectIds }, packageType: NPM, normalizedName: name, status: installable },
    include: { files: { where: { status: 'default' }, orderBy: { id: 'desc' }, take: 1 } },
    orderBy: { id: 'desc' },
  });
  const records = new Map<string, NpmVersionRecord>();
  for (const pkg of packages) {
    const file = pkg.files[0];
    if (!file || pkg.version === null || records.has(pkg.version)) continue;
    records.set(pkg.version, {
      version: pkg.version,
      manifest: manifestOf(pkg),
      file: { fileName: file.fileName, sha1: file.sha1, sha512: file.sha512 },
      createdAt: pkg.createdAt,
    });
  }
  return [...records.values()];
}

/** The dist-tags of `name` in the projects (a tag set in several: the latest change) → version. */
export async function distTagsOf(
  db: PackageDb,
  projectIds: number[],
  name: string,
): Promise<Record<string, string>> {
  const tags = await db.packageTag.findMany({
    where: {
      projectId: { in: projectIds },
      packageType: NPM,
      packageName: name,
      package: { status: installable },
    },
    include: { package: { select: { version: true } } },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
  });
  const found: Record<string, string> = {};
  for (const tag of tags) {
    if (tag.package.version !== null && !(tag.name in found)) found[tag.name] = tag.package.version;
  }
  return found;
}

/** The tarball file of `name` called `fileName` in the projects (the newest upload). */
export function tarballFile(
  db: PackageDb,
  projectIds: number[],
  name: string,
  fileName: string,
): Promise<PackageFile | null> {
  return db.packageFile.findFirst({
    where: {
      fileName,
      status: 'default',
      package: { projectId: { in: projectIds }, packageType: NPM, normalizedName: name, status: installable },
    },
    orderBy: { id: 'desc' },
  });
}

/** The installable package of one version in a project. */
export function versionPackage(
  db: PackageDb,
  projectId: number,
  name: string,
  version: string,
): Promise<Package | null> {
  return db.package.findFirst({
    where: { projectId, packageType: NPM, normalizedName: name, version, status: installable },
    orderBy: { id: 'desc' },
  });
}

/** Points `tag` of the package's name at this package (one row per project, name and tag). */
export async function setDistTag(db: PackageDb, pkg: Package, tag: string): Promise<void> {
  await db.packageTag.upsert({
    where: {
      projectId_packageType_packageName_name: {
        projectId: pkg.projectId,
        packageType: NPM,
        packageName: pkg.normalizedName,
        name: tag,
      },
    },
    create: {
      packageId: pkg.id,
      projectId: pkg.projectId,
      packageType: NPM,
      packageName: pkg.normalizedName,
      name: tag,
    },
    update: { packageId: pkg.id },
  });
}

/** Removes a dist-tag; false when the name had no such tag. */
export async function removeDistTag(
  db: PackageDb,
  projectId: number,
  name: string,
  tag: string,
): Promise<boolean> {
  const removed = await db.packageTag.deleteMany({
    where: { projectId, packageType: NPM, packageName: name, name: tag },
  });
  return removed.count > 0;
}

/** Whether the name has a `latest` tag in the project (npm installs `latest` when no version is asked). */
export async function hasLatestTag(db: PackageDb, projectId: number, name: string): Promise<boolean> {
  const count = await db.packageTag.count({
    where: { projectId, packageType: NPM, packageName: name, name: 'latest' },
  });
  return count > 0;
}
