import { Router } from 'express';
import { ApiError, pageOf, setPaginationHeaders } from '@stowage/http';
import { z } from 'zod';
import type { PrismaClient, Project, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../../domain/access-level';
import { projectRole } from '../../domain/caller-role';
import { fullNames } from '../../domain/groups/group-tree';
import { parseRef, type Ref } from '../../domain/lookup';
import { createProject } from '../../domain/projects/create-project';
import { deleteProject } from '../../domain/projects/delete-project';
import { listProjects, PROJECT_ORDERS } from '../../domain/projects/list-projects';
import { projectPermissions } from '../../domain/projects/project-permissions';
import {
  CONTAINER_REGISTRY_ACCESS_LEVELS,
  PACKAGE_REGISTRY_ACCESS_LEVELS,
  type RegistrySettingsInput,
} from '../../domain/projects/registry-settings';
import { ALLOW_ALL_MOVES, type RenameGuard } from '../../domain/projects/rename-guard';
import { transferProject } from '../../domain/projects/transfer-project';
import { updateProject } from '../../domain/projects/update-project';
import { findVisibleProject } from '../../domain/visibility';
import type { ApiContext } from './api-context';
import { currentUser, requireAdmin, requireUser } from './api-principal';
import { booleanParam, idParam, parseParams } from './params';
import {
  checkCleanupPolicyAttributes,
  cleanupPolicyField,
  saveCleanupPolicyAttributes,
} from './project-cleanup-policy';
import { presentProject } from './presenters/project';
import { requireRole } from './require-role';
import { optionalIdParam, refParam, sortParam, visibilityParam } from './resource-params';
import { handler } from './rule-violations';

const listQuery = z.object({
  search: z.string().optional(),
  owned: booleanParam.optional(),
  membership: booleanParam.optional(),
  visibility: visibilityParam.optional(),
  order_by: z.enum(PROJECT_ORDERS).optional(),
  sort: sortParam.optional(),
});

const settingsFields = {
  name: z.string().optional(),
  path: z.string().optional(),
  visibility: visibilityParam.optional(),
  description: z.string().optional(),
  container_registry_access_level: z.enum(CONTAINER_REGISTRY_ACCESS_LEVELS).optional(),
  container_registry_enabled: booleanParam.optional(),
  package_registry_access_level: z.enum(PACKAGE_REGISTRY_ACCESS_LEVELS).optional(),
  packages_enabled: booleanParam.optional(),
};
const createBody = z.object({ ...settingsFields, namespace_id: optionalIdParam });
const updateBody = z.object({
  ...settingsFields,
  // Checked field by field by the registry, which owns the policy (project-cleanup-policy.ts).
  container_expiration_policy_attributes: z.record(z.string(), z.unknown()).optional(),
});
const transferBody = z.object({ namespace: z.union([z.number(), z.string().min(1)]) });

type SettingsBody = z.output<typeof updateBody>;

function registrySettings(body: SettingsBody): RegistrySettingsInput {
  return {
    containerRegistryAccessLevel: body.container_registry_access_level,
    containerRegistryEnabled: body.container_registry_enabled,
    packageRegistryAccessLevel: body.package_registry_access_level,
    packagesEnabled: body.packages_enabled,
  };
}

function newProjectInput(body: z.output<typeof createBody>) {
  if (body.name === undefined && body.path === undefined) {
    throw new ApiError(400, { error: 'name, path are missing, at least one parameter must be provided' });
  }
  return {
    name: body.name,
    path: body.path,
    namespaceId: body.namespace_id,
    visibility: body.visibility,
    description: body.description,
    ...registrySettings(body),
  };
}

/** GitLab's project JSON for many projects, with their namespaces loaded in two queries. */
export async function presentProjects(prisma: PrismaClient, projects: Project[], externalUrl: string) {
  const ids = [...new Set(projects.map((project) => project.namespaceId))];
  const [namespaces, names] = await Promise.all([
    prisma.namespace.findMany({ where: { id: { in: ids } } }),
    fullNames(prisma, ids),
  ]);
  const byId = new Map(namespaces.map((namespace) => [namespace.id, namespace]));
  return projects.map((project) =>
    presentProject(project, byId.get(project.namespaceId)!, names.get(project.namespaceId), externalUrl),
  );
}

/** One project's JSON, with the caller's `permissions`. */
async function presentOne(context: ApiContext, project: Project, user: User | undefined) {
  const [namespace, names, permissions] = await Promise.all([
    context.prisma.namespace.findUniqueOrThrow({ where: { id: project.namespaceId } }),
    fullNames(context.prisma, [project.namespaceId]),
    user ? projectPermissions(context.prisma, user, project) : { projectAccess: null, groupAccess: null },
  ]);
  return presentProject(project, namespace, names.get(project.namespaceId), context.externalUrl, permissions);
}

export interface ProjectsRouterOptions {
  /** Asked before a project moves (rename, transfer); default: allow. See RenameGuard. */
  renameGuard?: RenameGuard;
}

/** GitLab's `/projects` API: list, create, show, update, transfer, delete. */
export function projectsRouter(context: ApiContext, options: ProjectsRouterOptions = {}): Router {
  const { prisma, externalUrl } = context;
  const guard = options.renameGuard ?? ALLOW_ALL_MOVES;
  const router = Router();

  const visibleProject = async (ref: Ref, user: User | undefined) => {
    const project = await findVisibleProject(prisma, user, ref);
    if (!project) throw ApiError.notFound('Project');
    return project;
  };

  router.get(
    '/projects',
    handler(async (req, res) => {
      const query = parseParams(listQuery, req.query);
      const page = pageOf(req);
      const { projects, total } = await listProjects(
        prisma,
        currentUser(res),
        {
          search: query.search,
          owned: query.owned,
          membership: query.membership,
          visibility: query.visibility,
          orderBy: query.order_by,
          sort: query.sort,
        },
        page,
      );
      setPaginationHeaders(req, res, externalUrl, page, total);
      res.json(await presentProjects(prisma, projects, externalUrl));
    }),
  );

  router.post(
    '/projects',
    handler(async (req, res) => {
      const user = requireUser(res);
      const input = newProjectInput(parseParams(createBody, req.body));
      const project = await createProject(prisma, user, input);
      context.nudgeOutbox();
      res.status(201).json(await presentOne(context, project, user));
    }),
  );

  router.post(
    '/projects/user/:user_id',
    handler(async (req, res) => {
      const admin = requireAdmin(res);
      const { user_id: userId } = parseParams(z.object({ user_id: idParam }), req.params);
      const input = newProjectInput(parseParams(createBody, req.body));
      const owner = await prisma.user.findUnique({ where: { id: userId } });
      if (!owner) throw ApiError.notFound('User');
      const project = await createProject(prisma, owner, { ...input, namespaceId: undefined });
      context.nudgeOutbox();
      res.status(201).json(await presentOne(context, project, admin));
    }),
  );

  router.get(
    '/projects/:id',
    handler(async (req, res) => {
      const user = currentUser(res);
      const project = await visibleProject(refParam(req), user);
      res.json({
        ...(await presentOne(context, project, user)),
        ...(await cleanupPolicyField(context, project.id)),
      });
    }),
  );

  router.put(
    '/projects/:id',
    handler(async (req, res) => {
      const user = requireUser(res);
      const project = await visibleProject(refParam(req), user);
      const body = parseParams(updateBody, req.body);
      const policyAttributes = body.container_expiration_policy_attributes;
      if (policyAttributes !== undefined) {
        // Maintainer+ as for the rest of the update; checked first so a refused role learns
        // nothing from the registry, and the attributes before anything is saved.
        requireRole(await projectRole(prisma, user, project.id, ACCESS_LEVEL.maintainer), 'Project');
        await checkCleanupPolicyAttributes(context, project.id, policyAttributes);
      }
      const updated = await updateProject(
        prisma,
        user,
        project,
        {
          name: body.name,
          path: body.path,
          visibility: body.visibility,
          description: body.description,
          ...registrySettings(body),
        },
        guard,
      );
      context.nudgeOutbox();
      const policy =
        policyAttributes === undefined
          ? await cleanupPolicyField(context, updated.id)
          : {
              container_expiration_policy: await saveCleanupPolicyAttributes(
                context,
                updated.id,
                policyAttributes,
              ),
            };
      res.json({ ...(await presentOne(context, updated, user)), ...policy });
    }),
  );

  router.put(
    '/projects/:id/transfer',
    handler(async (req, res) => {
      const user = requireUser(res);
      const project = await visibleProject(refParam(req), user);
      const { namespace } = parseParams(transferBody, req.body);
      const moved = await transferProject(prisma, user, project, parseRef(String(namespace)), guard);
      context.nudgeOutbox();
      res.json(await presentOne(context, moved, user));
    }),
  );

  router.delete(
    '/projects/:id',
    handler(async (req, res) => {
      const user = requireUser(res);
      const project = await visibleProject(refParam(req), user);
      await deleteProject(prisma, user, project);
      context.nudgeOutbox();
      res.status(202).json({ message: '202 Accepted' });
    }),
  );

  return router;
}
