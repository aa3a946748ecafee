import type { Request, Response } from 'express';
import { callerOf } from '@stowage/identity-client';
import { groupReadableProjects, readableProjectsWithPackage } from '../../core/group-projects';
import { notFoundFor, projectAccess } from '../../core/package-access';
import type { PackageContext } from '../../core/package-context';
import { PackageNotFoundError } from '../../core/package-errors';
import { parseMavenPath } from './maven-paths';
import { serveMavenFile } from './maven-serve';

/**
 * `GET` (and HEAD) of Maven files at the three levels GitLab has: a project, a group (every
 * project below it the caller may read) and the instance (every project holding the package
 * that the caller may read). Where several projects hold a file, the newest upload wins; their
 * versions are merged in the artifact-level metadata.
 */

const segmentsOf = (req: Request) => req.params.path as unknown as string[];

export function projectDownload(ctx: PackageContext) {
  return async (req: Request, res: Response) => {
    const target = parseMavenPath(segmentsOf(req));
    const access = await projectAccess(ctx, req, res, req.params.id as string, 'read');
    if (!(await serveMavenFile(ctx, req, res, [access.project.id], target))) throw new PackageNotFoundError();
  };
}

export function groupDownload(ctx: PackageContext) {
  return async (req: Request, res: Response) => {
    const target = parseMavenPath(segmentsOf(req));
    const { caller, projects } = await groupReadableProjects(ctx, req, res, req.params.id as string);
    if (!(await serveMavenFile(ctx, req, res, [...projects.keys()], target))) throw notFoundFor(caller, res);
  };
}

export function instanceDownload(ctx: PackageContext) {
  return async (req: Request, res: Response) => {
    const target = parseMavenPath(segmentsOf(req));
    const caller = callerOf(req, res);
    const projects = await readableProjectsWithPackage(ctx, caller, res, 'maven', target.name);
    if (!(await serveMavenFile(ctx, req, res, [...projects.keys()], target))) throw notFoundFor(caller, res);
  };
}
