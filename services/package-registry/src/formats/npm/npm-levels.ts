import type { Request, Response } from 'express';
import { callerOf } from '@stowage/identity-client';
import { groupReadableProjects, readableProjectsBelow } from '../../core/group-projects';
import { projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { PackageNotFoundError } from '../../core/package-errors';
import { npmScope } from './npm-names';

/**
 * The three places npm endpoints live, and whose packages each reads: the project of
 * `projects/:id/packages/npm`, the projects below `groups/:id/-/packages/npm` the caller may read,
 * and at instance level (`packages/npm`) the projects below the root namespace the package's scope
 * names (`@team/pkg` → group `team`). Writes happen at project level only.
 */
export interface NpmLevel {
  name: 'project' | 'group' | 'instance';
  /** The mount path below `/api/v4`. */
  path: string;
  /** Ids of the projects whose packages of `packageName` the caller may read here (refusals throw). */
  readableProjects(ctx: PackageContext, req: Request, res: Response, packageName: string): Promise<number[]>;
}

export const PROJECT_LEVEL: NpmLevel = {
  name: 'project',
  path: '/projects/:id/packages/npm',
  async readableProjects(ctx, req, res) {
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'read');
    return [access.project.id];
  },
};

export const GROUP_LEVEL: NpmLevel = {
  name: 'group',
  path: '/groups/:id/-/packages/npm',
  async readableProjects(ctx, req, res) {
    const { projects } = await groupReadableProjects(ctx, req, res, req.params.id as string);
    return [...projects.keys()];
  },
};

export const INSTANCE_LEVEL: NpmLevel = {
  name: 'instance',
  path: '/packages/npm',
  async readableProjects(ctx, req, res, packageName) {
    const scope = npmScope(packageName);
    // Only a scope says where to look: an unscoped name has no home at instance level.
    if (scope === null) throw new PackageNotFoundError('Package');
    const projects = await readableProjectsBelow(ctx, callerOf(req, res), res, scope);
    return [...projects.keys()];
  },
};

export const NPM_LEVELS = [PROJECT_LEVEL, GROUP_LEVEL, INSTANCE_LEVEL];
