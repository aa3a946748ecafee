import type { Request, Response } from 'express';
import type { Package, PackageDb, Prisma } from '@stowage/package-registry-data';
import { verifyChecksums } from '../../core/checksums';
import { discardStaged, stageFile, type StagedFile } from '../../core/file-staging';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { DuplicatePackageError, IncompleteUploadError } from '../../core/package-errors';
import { publishFile } from '../../core/package-publish';
import { deprecateVersions } from './npm-deprecate';
import { npmPackageName, tarballFileName } from './npm-names';
import { hasLatestTag, NPM, setDistTag, type NpmPackageMetadata } from './npm-store';
import { npmPublication, type NpmPublication } from './publish-request';
import { readPublishDocument } from './publish-document';

/**
 * `PUT /projects/:id/packages/npm/:package_name`: `npm publish` (a document with the tarball as
 * an attachment) or `npm deprecate` (the package's document sent back with `deprecated` set on
 * versions, no attachment). The tarball streams from the JSON into staging; the document is then
 * checked, the tarball's sha1/sha512 compared with what npm computed, and the version published
 * with its dist-tags in one transaction. A version is published once: npm's 403 otherwise.
 */

async function tagOnPublish(db: PackageDb, pkg: Package, publication: NpmPublication): Promise<void> {
  for (const tag of publication.tags) await setDistTag(db, pkg, tag);
  // npm installs `latest` when no version is asked: a name's first publish (even with --tag) gets it.
  if (!(await hasLatestTag(db, pkg.projectId, pkg.normalizedName))) await setDistTag(db, pkg, 'latest');
}

function checkTarball(publication: NpmPublication, staged: StagedFile): void {
  verifyChecksums(staged, { sha1: publication.sha1, sha512: publication.sha512 });
  if (publication.length !== undefined && publication.length !== staged.size) {
    throw new IncompleteUploadError('the attachment is not of its announced length');
  }
}

export async function publishOrDeprecate(ctx: PackageContext, req: Request, res: Response, rawName: string) {
  const name = npmPackageName(rawName);
  const access = await projectAccess(ctx, req, res, req.params.id as string, 'create');
  const read = await readPublishDocument(
    req,
    { maxMetadataBytes: ctx.limits.maxMetadataBytes },
    {
      stage: (_key, bytes) => stageFile(ctx.blobs, bytes, { maxBytes: ctx.limits.maxFileBytes }),
      discard: (staged) => discardStaged(ctx.blobs, staged),
    },
  );
  if (!read.attachment) {
    await deprecateVersions(ctx, access, name, read.document);
    res.status(200).json({ ok: true });
    return;
  }
  const { staged, key } = read.attachment;
  let publication: NpmPublication;
  try {
    publication = npmPublication(read.document, name, key);
    checkTarball(publication, staged);
  } catch (error) {
    await discardStaged(ctx.blobs, staged);
    throw error;
  }
  const metadata = { manifest: publication.manifest } satisfies NpmPackageMetadata;
  try {
    await publishFile(ctx, {
      access,
      type: NPM,
      name,
      version: publication.version,
      metadata: metadata as Prisma.InputJsonObject,
      file: { name: tarballFileName(name, publication.version), staged },
      duplicates: 'never',
      inTransaction: (tx, published) => tagOnPublish(tx, published.package, publication),
    });
  } catch (error) {
    if (error instanceof DuplicatePackageError) {
      throw new DuplicatePackageError(
        `Cannot publish over the previously published version ${publication.version}.`,
      );
    }
    throw error;
  }
  res.status(200).json({ ok: true, id: name });
}
