import type { Router } from 'express';
import type { PackageContext } from '../../core/package-context';
import type { PackageFormat } from '../package-format';
import { groupDownload, instanceDownload, projectDownload } from './maven-download';
import { mavenUpload } from './maven-upload';

/**
 * GitLab's Maven repository: `mvn deploy` to a project, resolution from a project, a group or the
 * whole instance. `*path` is `<groupId as folders>/<artifactId>/<version>/<file>` (maven-paths.ts);
 * errors are GitLab's JSON, which Maven only shows as a status line.
 */
export const mavenFormat: PackageFormat = {
  type: 'maven',
  routes(router: Router, ctx: PackageContext) {
    router.put('/projects/:id/packages/maven/*path', mavenUpload(ctx));
    router.get('/projects/:id/packages/maven/*path', projectDownload(ctx));
    router.get('/groups/:id/-/packages/maven/*path', groupDownload(ctx));
    router.get('/packages/maven/*path', instanceDownload(ctx));
  },
};
