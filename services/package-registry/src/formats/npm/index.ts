import type { Request, Response, Router } from 'express';
import type { PackageContext } from '../../core/package-context';
import { PackageError, PackageNotFoundError } from '../../core/package-errors';
import type { PackageFormat } from '../package-format';
import { deleteDistTag, putDistTag } from './npm-dist-tags';
import { isNpmPath, npmErrorFormat } from './npm-errors';
import { NPM_LEVELS, type NpmLevel } from './npm-levels';
import { parseNpmPath } from './npm-paths';
import { publishOrDeprecate } from './npm-publish';
import { sendDistTags, sendPackageDocument, sendTarball } from './npm-read';

/**
 * npm's registry protocol at GitLab's paths: `projects/:id/packages/npm` (publish, install,
 * dist-tags, deprecate), `groups/:id/-/packages/npm` and `packages/npm` (install and dist-tags
 * read over the projects the caller may read). Each level is one mount; the path below it is
 * parsed once (scoped names come escaped or not) and dispatched by what it names and the method.
 */

class MethodNotAllowedError extends PackageError {
  constructor(method: string) {
    super(405, `${method} is not supported here`);
  }
}

function endpoint(ctx: PackageContext, level: NpmLevel) {
  return async (req: Request, res: Response) => {
    const path = parseNpmPath(req.path);
    if (!path) throw new PackageNotFoundError('Not Found');
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const writable = level.name === 'project';
    switch (path.kind) {
      case 'package':
        if (method === 'GET') return sendPackageDocument(ctx, level, req, res, path.name);
        if (method === 'PUT' && writable) return publishOrDeprecate(ctx, req, res, path.name);
        break;
      case 'tarball':
        if (method === 'GET') return sendTarball(ctx, level, req, res, path.name, path.fileName);
        break;
      case 'dist-tags':
        if (method === 'GET') return sendDistTags(ctx, level, req, res, path.name);
        break;
      case 'dist-tag':
        if (method === 'PUT' && writable) return putDistTag(ctx, req, res, path.name, path.tag);
        if (method === 'DELETE' && writable) return deleteDistTag(ctx, req, res, path.name, path.tag);
        break;
    }
    throw new MethodNotAllowedError(req.method);
  };
}

export const npmFormat: PackageFormat = {
  type: 'npm',
  routes(router: Router, ctx: PackageContext) {
    for (const level of NPM_LEVELS) router.use(level.path, endpoint(ctx, level));
  },
  errors: { matches: isNpmPath, format: npmErrorFormat },
};
