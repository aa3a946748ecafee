import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { verifyChecksums } from '../../core/checksums';
import { stageFile, type StagedFile } from '../../core/file-staging';
import { projectAccess, type ProjectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { InvalidPackageInputError, PackageNotFoundError } from '../../core/package-errors';
import { publishFile, type DuplicatePolicy } from '../../core/package-publish';
import { readSmallBody } from '../../core/request-body';
import { announcedLength } from '../../core/request-size';
import { newestFile } from './maven-lookup';
import { isSnapshotVersion, packageMetadataOf, parseMavenPath, type MavenTarget } from './maven-paths';
import { parseMetadataXml } from './metadata-xml';

/**
 * `PUT /projects/:id/packages/maven/*path/:file_name`, as `mvn deploy` sends it: the raw file as
 * the body. A file goes into the package its path names (versionless for the artifact-level
 * maven-metadata.xml); `<file>.sha1` and the other checksum files are not stored but checked
 * against the file already uploaded (as GitLab does), so a client learns of a corrupted upload.
 */

/** A checksum file's body: the hex digest, perhaps followed by a file name (`sha1sum` style). */
const MAX_CHECKSUM_BYTES = 1024;

/**
 * Releases follow the group's duplicate setting; metadata and SNAPSHOT builds are uploaded again
 * on every deploy, so they always are (the newest is served).
 */
function duplicatePolicyOf(target: MavenTarget): DuplicatePolicy {
  if (target.isMetadata) return 'always';
  return target.version !== null && isSnapshotVersion(target.version) ? 'always' : 'namespace-setting';
}

async function verifyUploadedChecksum(
  ctx: PackageContext,
  req: Request,
  access: ProjectAccess,
  target: MavenTarget,
): Promise<void> {
  const body = await readSmallBody(req, MAX_CHECKSUM_BYTES);
  const claimed = body.toString('utf8').trim().split(/\s+/)[0] ?? '';
  if (claimed === '') throw new InvalidPackageInputError(`${target.checksum} checksum is empty`);
  const file = await newestFile(
    ctx.prisma,
    [access.project.id],
    target.name,
    target.version,
    target.fileName,
  );
  if (!file) throw new PackageNotFoundError('Package file');
  verifyChecksums({ ...file, size: Number(file.size) }, { [target.checksum!]: claimed });
}

/** A metadata document is read whole (it is small and must parse) before anything is stored. */
async function stageMetadata(ctx: PackageContext, req: Request): Promise<StagedFile> {
  const maxBytes = ctx.limits.maxMetadataBytes;
  const document = await readSmallBody(req, maxBytes);
  parseMetadataXml(document);
  return stageFile(ctx.blobs, Readable.from([document]), { maxBytes, expectedSize: document.length });
}

export function mavenUpload(ctx: PackageContext) {
  return async (req: Request, res: Response) => {
    const target = parseMavenPath(req.params.path as unknown as string[]);
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'create');
    if (target.checksum) {
      await verifyUploadedChecksum(ctx, req, access, target);
      res.status(204).end();
      return;
    }
    const staged = target.isMetadata
      ? await stageMetadata(ctx, req)
      : await stageFile(ctx.blobs, req, {
          maxBytes: ctx.limits.maxFileBytes,
          expectedSize: announcedLength(req),
        });
    await publishFile(ctx, {
      access,
      type: 'maven',
      name: target.name,
      version: target.version,
      metadata: packageMetadataOf(target),
      file: { name: target.fileName, staged },
      duplicates: duplicatePolicyOf(target),
    });
    res.status(200).json({ message: '200 OK' });
  };
}
