import { InvalidPackageInputError, PackageNotFoundError } from '../../core/package-errors';
import type { ProjectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { assertPushAllowed } from '../../core/protection';
import { INSTALLABLE_STATUSES, type Prisma } from '@stowage/package-registry-data';
import { npmVersion } from './npm-names';
import { NPM, type NpmPackageMetadata } from './npm-store';

/**
 * `npm deprecate` reads the package's document, sets `deprecated` on the versions it means and
 * PUTs the whole document back. As GitLab does, only versions carrying a `deprecated` string
 * change: a message deprecates (status `deprecated`), an empty one undeprecates (status
 * `default`); no file is added. The other versions in the document are left as they are.
 */

/** version → message ('' to undeprecate), from the document npm sent. */
export function deprecationsIn(document: Record<string, unknown>): Map<string, string> {
  const versions = document.versions;
  if (versions === null || typeof versions !== 'object' || Array.isArray(versions)) {
    throw new InvalidPackageInputError('versions is missing');
  }
  const changes = new Map<string, string>();
  for (const [version, manifest] of Object.entries(versions as Record<string, unknown>)) {
    if (manifest === null || typeof manifest !== 'object' || !('deprecated' in manifest)) continue;
    const message = (manifest as { deprecated: unknown }).deprecated;
    if (typeof message !== 'string')
      throw new InvalidPackageInputError(`versions.${version}.deprecated must be a string`);
    changes.set(npmVersion(version), message);
  }
  if (changes.size === 0)
    throw new InvalidPackageInputError('the document has no attachment and deprecates nothing');
  return changes;
}

export async function deprecateVersions(
  ctx: PackageContext,
  access: ProjectAccess,
  name: string,
  document: Record<string, unknown>,
): Promise<void> {
  if (document.name !== undefined && document.name !== name) {
    throw new InvalidPackageInputError('the document names another package than the URL');
  }
  const changes = deprecationsIn(document);
  await assertPushAllowed(ctx.prisma, access, NPM, name);
  await ctx.prisma.$transaction(async (tx) => {
    const packages = await tx.package.findMany({
      where: {
        projectId: access.project.id,
        packageType: NPM,
        normalizedName: name,
        version: { in: [...changes.keys()] },
        status: { in: [...INSTALLABLE_STATUSES] },
      },
    });
    if (packages.length === 0) throw new PackageNotFoundError('Package');
    for (const pkg of packages) {
      const message = changes.get(pkg.version!)!;
      const metadata = (pkg.metadata as Partial<NpmPackageMetadata> | null) ?? {};
      const { deprecated: _previous, ...manifest } = metadata.manifest ?? {};
      const updated = { ...metadata, manifest: message ? { ...manifest, deprecated: message } : manifest };
      await tx.package.update({
        where: { id: pkg.id },
        data: { metadata: updated as Prisma.InputJsonObject, status: message ? 'deprecated' : 'default' },
      });
    }
  });
}
