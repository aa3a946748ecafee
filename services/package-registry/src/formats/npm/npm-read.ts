import type { Request, Response } from 'express';
import type { PackageContext } from '../../core/package-context';
import { PackageNotFoundError } from '../../core/package-errors';
import { sendPackageFile } from '../../core/serve-file';
import type { NpmLevel } from './npm-levels';
import {
  ABBREVIATED_MEDIA_TYPE,
  abbreviatedPackument,
  fullPackument,
  servedTags,
  wantsAbbreviated,
} from './npm-metadata';
import { npmPackageName } from './npm-names';
import { distTagsOf, installableVersions, tarballFile } from './npm-store';

/** What npm reads: a package's document, its tarballs and its dist-tags, at any level. */

/** The endpoint the client used (`<externalUrl>/api/v4/projects/1/packages/npm`): tarball links stay on it. */
function endpointBase(ctx: PackageContext, req: Request): string {
  return `${ctx.externalUrl}${req.baseUrl}`;
}

/** The package's installable versions and dist-tags in the projects the caller may read (404 if none). */
async function installablePackage(
  ctx: PackageContext,
  level: NpmLevel,
  req: Request,
  res: Response,
  rawName: string,
) {
  const name = npmPackageName(rawName);
  const projectIds = await level.readableProjects(ctx, req, res, name);
  const records = await installableVersions(ctx.prisma, projectIds, name);
  if (records.length === 0) throw new PackageNotFoundError('Package');
  return { name, records, tags: await distTagsOf(ctx.prisma, projectIds, name) };
}

export async function sendPackageDocument(
  ctx: PackageContext,
  level: NpmLevel,
  req: Request,
  res: Response,
  rawName: string,
): Promise<void> {
  const { name, records, tags } = await installablePackage(ctx, level, req, res, rawName);
  const base = endpointBase(ctx, req);
  res.setHeader('Vary', 'Accept');
  if (wantsAbbreviated(req.get('Accept'))) {
    res.type(ABBREVIATED_MEDIA_TYPE).send(JSON.stringify(abbreviatedPackument(name, records, tags, base)));
    return;
  }
  res.json(fullPackument(name, records, tags, base));
}

export async function sendTarball(
  ctx: PackageContext,
  level: NpmLevel,
  req: Request,
  res: Response,
  rawName: string,
  fileName: string,
): Promise<void> {
  const name = npmPackageName(rawName);
  const projectIds = await level.readableProjects(ctx, req, res, name);
  const file = await tarballFile(ctx.prisma, projectIds, name, fileName);
  if (!file) throw new PackageNotFoundError('Package');
  await sendPackageFile(ctx, req, res, file, { contentType: 'application/octet-stream' });
}

export async function sendDistTags(
  ctx: PackageContext,
  level: NpmLevel,
  req: Request,
  res: Response,
  rawName: string,
): Promise<void> {
  const { records, tags } = await installablePackage(ctx, level, req, res, rawName);
  res.json(servedTags(tags, records));
}
