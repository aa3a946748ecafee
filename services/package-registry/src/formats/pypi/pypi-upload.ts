import type { Request, Response } from 'express';
import type { Prisma } from '@stowage/package-registry-data';
import { verifyChecksums } from '../../core/checksums';
import { discardStaged } from '../../core/file-staging';
import { checkFileName, pypiNormalizedName } from '../../core/names';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { DuplicatePackageError, InvalidPackageInputError } from '../../core/package-errors';
import { publishFile } from '../../core/package-publish';
import { announcedLength } from '../../core/request-size';
import { wheelCoreMetadata } from './core-metadata';
import { distributionFile, pypiProjectName, pypiVersion } from './pypi-names';
import { firstField, readUploadForm, refuseOversizedBody, type UploadForm } from './upload-form';

/**
 * `POST /projects/:id/packages/pypi`: twine's upload (the legacy upload API's `file_upload`).
 * The caller's right to publish is checked before the body is read; the file is staged while the
 * form is parsed, then checked (name, version, file name, digests, a wheel's METADATA) and
 * published, or discarded. The same file name twice in one version is refused with GitLab's 400,
 * whose words `twine --skip-existing` recognises.
 */

/** GitLab keeps this much of a long description (its pypi metadatum column). */
const MAX_DESCRIPTION = 4000;
/** GitLab's limit for `requires_python` and the short text fields. */
const MAX_SHORT_FIELD = 255;

/** Core metadata fields kept on the package, as GitLab's pypi metadatum has them. */
const PACKAGE_FIELDS = [
  'metadata_version',
  'summary',
  'keywords',
  'author_email',
  'description_content_type',
];

function required(form: UploadForm, name: string): string {
  const value = firstField(form, name);
  if (value === undefined || value === '') throw new InvalidPackageInputError(`${name} is missing`);
  return value;
}

function shortField(form: UploadForm, name: string): string | undefined {
  const value = firstField(form, name);
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_SHORT_FIELD) {
    throw new InvalidPackageInputError(`${name} is too long (maximum is ${MAX_SHORT_FIELD} characters)`);
  }
  return value;
}

/** JSON with the empty fields left out. */
function present(entries: Record<string, string | undefined>): Prisma.InputJsonObject {
  return Object.fromEntries(
    Object.entries(entries).filter(([, value]) => value !== undefined && value !== ''),
  );
}

interface CheckedUpload {
  name: string;
  version: string;
  fileName: string;
  packageMetadata: Prisma.InputJsonObject;
  fileMetadata: Prisma.InputJsonObject;
}

async function checkUpload(ctx: PackageContext, form: UploadForm): Promise<CheckedUpload> {
  const action = firstField(form, ':action');
  if (action !== undefined && action !== 'file_upload') {
    throw new InvalidPackageInputError(`:action ${action} is not supported (only file_upload)`);
  }
  const name = pypiProjectName(required(form, 'name'));
  const version = pypiVersion(required(form, 'version'));
  const fileName = checkFileName(form.fileName);
  const distribution = distributionFile(fileName, name, version);
  verifyChecksums(form.staged, {
    sha256: firstField(form, 'sha256_digest'),
    md5: firstField(form, 'md5_digest'),
  });
  const requiresPython = shortField(form, 'requires_python');
  const coreMetadata =
    distribution.kind === 'wheel'
      ? await wheelCoreMetadata(ctx.blobs, form.staged, ctx.limits.maxMetadataBytes)
      : undefined;
  const packageFields = Object.fromEntries(PACKAGE_FIELDS.map((field) => [field, shortField(form, field)]));
  return {
    name,
    version,
    fileName,
    packageMetadata: present({
      ...packageFields,
      requires_python: requiresPython,
      description: firstField(form, 'description')?.slice(0, MAX_DESCRIPTION),
    }),
    fileMetadata: present({
      requires_python: requiresPython,
      filetype: shortField(form, 'filetype'),
      pyversion: shortField(form, 'pyversion'),
      core_metadata: coreMetadata?.text,
      core_metadata_sha256: coreMetadata?.sha256,
    }),
  };
}

export function uploadDistribution(ctx: PackageContext) {
  return async (req: Request, res: Response) => {
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'create');
    refuseOversizedBody(announcedLength(req), ctx.limits);
    const form = await readUploadForm(ctx.blobs, req.headers, req, ctx.limits);
    let upload: CheckedUpload;
    try {
      upload = await checkUpload(ctx, form);
    } catch (error) {
      await discardStaged(ctx.blobs, form.staged);
      throw error;
    }
    try {
      await publishFile(ctx, {
        access,
        type: 'pypi',
        name: upload.name,
        normalizedName: pypiNormalizedName(upload.name),
        version: upload.version,
        metadata: upload.packageMetadata,
        file: { name: upload.fileName, staged: form.staged, metadata: upload.fileMetadata },
        duplicates: 'never',
      });
    } catch (error) {
      if (error instanceof DuplicatePackageError) {
        throw new DuplicatePackageError('Validation failed: File name has already been taken', 400);
      }
      throw error;
    }
    res.status(201).json({ message: '201 Created' });
  };
}
