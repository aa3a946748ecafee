import type { RequestHandler } from 'express';
import { ApiError, optionalEnum } from '@stowage/http';
import {
  KEEP_N_DUPLICATED_PACKAGE_FILES,
  packageCleanupPolicyOf,
  savePackageCleanupPolicy,
  type CleanupPolicyView,
} from '@stowage/package-registry-data';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { requestParams } from './request-params';

/**
 * A project's package cleanup policy. GitLab exposes it in GraphQL (`packagesCleanupPolicy`);
 * here it is REST: `GET`/`PUT /projects/:id/packages/cleanup_policy`, for Maintainers and above
 * (`admin_package`). The cleanup-worker runs a policy that removes files every 12 hours.
 */

function present(policy: CleanupPolicyView) {
  return {
    keep_n_duplicated_package_files: policy.keepNDuplicatedPackageFiles,
    next_run_at: policy.nextRunAt?.toISOString() ?? null,
  };
}

export function getCleanupPolicy(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'admin');
    res.json(present(await packageCleanupPolicyOf(ctx.prisma, access.project.id)));
  };
}

export function updateCleanupPolicy(ctx: PackageContext): RequestHandler {
  return async (req, res) => {
    const keep = optionalEnum(
      requestParams(req),
      'keep_n_duplicated_package_files',
      KEEP_N_DUPLICATED_PACKAGE_FILES,
    );
    if (keep === undefined) throw ApiError.missingParameter('keep_n_duplicated_package_files');
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'admin');
    const saved = await savePackageCleanupPolicy(ctx.prisma, access.project.id, keep);
    res.json(
      present({
        keepNDuplicatedPackageFiles: keep,
        nextRunAt: saved.nextRunAt,
      }),
    );
  };
}
