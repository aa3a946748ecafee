import type { Router } from 'express';
import type { PackageContext } from '../../core/package-context';
import { getCleanupPolicy, updateCleanupPolicy } from './cleanup-policy';
import { listGroupPackages } from './group-packages';
import { getNamespaceSettings, updateNamespaceSettings } from './namespace-settings';
import { deletePackageFileHandler, listPackageFiles } from './package-files';
import { listPackagePipelines } from './package-pipelines';
import { deleteProjectPackage, getProjectPackage, listProjectPackages } from './project-packages';
import {
  createProtectionRule,
  deleteProtectionRule,
  listProtectionRules,
  updateProtectionRule,
} from './protection-rules';
import { parseBody } from './request-params';

/**
 * GitLab's Packages API (`/projects/:id/packages`, `/groups/:id/packages`, files, pipelines,
 * protection rules), and REST forms of what GitLab keeps in GraphQL (a group's duplicate settings,
 * a project's cleanup policy). Mounted before the formats: the fixed segments (`protection`,
 * `cleanup_policy`, `settings`) come before `:package_id`, and a `:package_id` that is not a
 * number passes the request on to the formats' routes (`.../packages/maven/...`).
 */
export function packagesApi(router: Router, ctx: PackageContext): void {
  router.param('package_id', (_req, _res, next, value: string) =>
    next(/^\d+$/.test(value) ? undefined : 'route'),
  );
  const project = '/projects/:id/packages';
  const rules = `${project}/protection/rules`;
  router.get(rules, listProtectionRules(ctx));
  router.post(rules, ...parseBody, createProtectionRule(ctx));
  router.patch(`${rules}/:package_protection_rule_id`, ...parseBody, updateProtectionRule(ctx));
  router.delete(`${rules}/:package_protection_rule_id`, deleteProtectionRule(ctx));
  router.get(`${project}/cleanup_policy`, getCleanupPolicy(ctx));
  router.put(`${project}/cleanup_policy`, ...parseBody, updateCleanupPolicy(ctx));

  router.get(project, listProjectPackages(ctx));
  router.get(`${project}/:package_id`, getProjectPackage(ctx));
  router.delete(`${project}/:package_id`, deleteProjectPackage(ctx));
  router.get(`${project}/:package_id/package_files`, listPackageFiles(ctx));
  router.delete(`${project}/:package_id/package_files/:package_file_id`, deletePackageFileHandler(ctx));
  router.get(`${project}/:package_id/pipelines`, listPackagePipelines(ctx));

  router.get('/groups/:id/packages', listGroupPackages(ctx));
  router.get('/groups/:id/packages/settings', getNamespaceSettings(ctx));
  router.put('/groups/:id/packages/settings', ...parseBody, updateNamespaceSettings(ctx));
}
