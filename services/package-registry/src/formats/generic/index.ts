import type { Request, Response, Router } from 'express';
import { ApiError } from '@stowage/http';
import { checksumHeaders, verifyChecksums } from '../../core/checksums';
import { discardStaged, stageFile } from '../../core/file-staging';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { PackageNotFoundError } from '../../core/package-errors';
import { publishFile } from '../../core/package-publish';
import { announcedLength } from '../../core/request-size';
import { sendPackageFile } from '../../core/serve-file';
import { presentPackageFile } from '../../http/api/package-json';
import type { PackageFormat } from '../package-format';
import { genericFileName, genericPackageName, genericPackageVersion } from './generic-names';

/**
 * GitLab's generic packages: `PUT` and `GET /projects/:id/packages/generic/:name/:version/:file`.
 * A file is uploaded as the raw body (curl --upload-file); `status=hidden` keeps the package out
 * of listings, `select=package_file` answers the file's details. Whether the same file may be
 * uploaded twice is the group's duplicate setting; a download serves the newest upload.
 */

const PATH = '/projects/:id/packages/generic/:name/:version/:file';

function uploadStatus(req: Request): 'default' | 'hidden' | undefined {
  const status = req.query.status;
  if (status === undefined) return undefined;
  if (status === 'default' || status === 'hidden') return status;
  throw new ApiError(400, { error: 'status does not have a valid value' });
}

function upload(ctx: PackageContext) {
  return async (req: Request, res: Response) => {
    const name = genericPackageName(req.params.name as string);
    const version = genericPackageVersion(req.params.version as string);
    const fileName = genericFileName(req.params.file as string);
    const status = uploadStatus(req);
    const select = req.query.select;
    if (select !== undefined && select !== 'package_file') {
      throw new ApiError(400, { error: 'select does not have a valid value' });
    }
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'create');
    const staged = await stageFile(ctx.blobs, req, {
      maxBytes: ctx.limits.maxFileBytes,
      expectedSize: announcedLength(req),
    });
    try {
      verifyChecksums(
        staged,
        checksumHeaders((header) => req.get(header)),
      );
    } catch (error) {
      await discardStaged(ctx.blobs, staged);
      throw error;
    }
    const published = await publishFile(ctx, {
      access,
      type: 'generic',
      name,
      version,
      ...(status ? { status } : {}),
      file: { name: fileName, staged },
      duplicates: 'namespace-setting',
    });
    if (select === 'package_file') {
      res.status(201).json(presentPackageFile(published.file));
      return;
    }
    res.status(201).json({ message: '201 Created' });
  };
}

function download(ctx: PackageContext) {
  return async (req: Request, res: Response) => {
    const name = genericPackageName(req.params.name as string);
    const version = genericPackageVersion(req.params.version as string);
    const fileName = genericFileName(req.params.file as string);
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'read');
    const file = await ctx.prisma.packageFile.findFirst({
      where: {
        fileName,
        status: 'default',
        package: {
          projectId: access.project.id,
          packageType: 'generic',
          normalizedName: name,
          version,
          status: { in: ['default', 'hidden'] },
        },
      },
      orderBy: { id: 'desc' },
    });
    if (!file) throw new PackageNotFoundError('Package');
    await sendPackageFile(ctx, req, res, file, { attachment: true });
  };
}

export const genericFormat: PackageFormat = {
  type: 'generic',
  routes(router: Router, ctx: PackageContext) {
    router.put(PATH, upload(ctx));
    router.get(PATH, download(ctx));
  },
};
