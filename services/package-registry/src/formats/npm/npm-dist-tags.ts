import express, { type Request, type Response } from 'express';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { InvalidPackageInputError, PackageNotFoundError } from '../../core/package-errors';
import { assertPushAllowed } from '../../core/protection';
import { npmDistTag, npmPackageName, npmVersion } from './npm-names';
import { NPM, removeDistTag, setDistTag, versionPackage } from './npm-store';

/**
 * `npm dist-tag add|rm` at project level: `PUT /-/package/:name/dist-tags/:tag` with the version
 * as a JSON string, `DELETE` the same path. Adding needs the right to publish, removing the right
 * to delete (GitLab's rules); both respect the package's protection rules.
 */

/** The body of a dist-tag PUT: a JSON string (npm sends `"1.0.0"`), whatever Content-Type says. */
const versionBody = express.json({ strict: false, limit: '4kb', type: () => true });

function readVersionBody(req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve, reject) => {
    versionBody(req, res, (error?: unknown) => (error ? reject(error) : resolve(req.body)));
  });
}

export async function putDistTag(
  ctx: PackageContext,
  req: Request,
  res: Response,
  rawName: string,
  rawTag: string,
) {
  const name = npmPackageName(rawName);
  const tag = npmDistTag(rawTag);
  const access = await projectAccess(ctx, req, res, req.params.id as string, 'create');
  const body = await readVersionBody(req, res);
  if (typeof body !== 'string')
    throw new InvalidPackageInputError('the body must be the version as a JSON string');
  const version = npmVersion(body);
  await assertPushAllowed(ctx.prisma, access, NPM, name);
  const pkg = await versionPackage(ctx.prisma, access.project.id, name, version);
  if (!pkg) throw new PackageNotFoundError('Package');
  await setDistTag(ctx.prisma, pkg, tag);
  res.status(204).end();
}

export async function deleteDistTag(
  ctx: PackageContext,
  req: Request,
  res: Response,
  rawName: string,
  rawTag: string,
) {
  const name = npmPackageName(rawName);
  const tag = npmDistTag(rawTag);
  const access = await projectAccess(ctx, req, res, req.params.id as string, 'destroy');
  // Without `latest`, `npm install <name>` has nothing to install: npm's own registry refuses too.
  if (tag === 'latest') throw new InvalidPackageInputError('the latest dist-tag cannot be removed');
  await assertPushAllowed(ctx.prisma, access, NPM, name);
  if (!(await removeDistTag(ctx.prisma, access.project.id, name, tag))) throw new PackageNotFoundError('Tag');
  res.status(204).end();
}
