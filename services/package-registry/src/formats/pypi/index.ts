import type { Router } from 'express';
import type { PackageContext } from '../../core/package-context';
import type { PackageFormat } from '../package-format';
import { mountIndexRoutes } from './pypi-index-routes';
import { groupScope, projectScope } from './pypi-scope';
import { uploadDistribution } from './pypi-upload';

/**
 * GitLab's PyPI packages: twine uploads to a project; pip installs from a project's or a group's
 * simple index (PEP 503 HTML, PEP 691 JSON), whose wheels also offer their core metadata (PEP
 * 658/714). Errors are GitLab's JSON, as GitLab answers twine and pip.
 */
export const pypiFormat: PackageFormat = {
  type: 'pypi',
  routes(router: Router, ctx: PackageContext) {
    router.post('/projects/:id/packages/pypi', uploadDistribution(ctx));
    mountIndexRoutes(router, ctx, '/projects/:id/packages/pypi', projectScope);
    mountIndexRoutes(router, ctx, '/groups/:id/-/packages/pypi', groupScope);
  },
};
