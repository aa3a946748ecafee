import { Router } from 'express';
import { ApiError, pageOf, setPaginationHeaders } from '@stowage/http';
import { z } from 'zod';
import type { Namespace, PrismaClient, User } from '../../generated/prisma/client';
import { createGroup } from '../../domain/groups/create-group';
import { deleteGroup } from '../../domain/groups/delete-group';
import { fullNames } from '../../domain/groups/group-tree';
import { listGroups, type GroupFilters } from '../../domain/groups/list-groups';
import { updateGroup } from '../../domain/groups/update-group';
import type { Ref } from '../../domain/lookup';
import { listProjects, PROJECT_ORDERS } from '../../domain/projects/list-projects';
import { ALLOW_ALL_MOVES, type RenameGuard } from '../../domain/projects/rename-guard';
import { findVisibleGroup } from '../../domain/visibility';
import type { ApiContext } from './api-context';
import { currentUser, requireUser } from './api-principal';
import { booleanParam, parseParams } from './params';
import { presentGroup } from './presenters/group';
import { presentProjects } from './projects';
import { accessLevelParam, optionalIdParam, refParam, sortParam, visibilityParam } from './resource-params';
import { handler } from './rule-violations';

const listQuery = z.object({
  search: z.string().optional(),
  owned: booleanParam.optional(),
  min_access_level: accessLevelParam.optional(),
  top_level_only: booleanParam.optional(),
  order_by: z.enum(['name', 'path', 'id']).optional(),
  sort: sortParam.optional(),
});

const projectsQuery = z.object({
  search: z.string().optional(),
  visibility: visibilityParam.optional(),
  include_subgroups: booleanParam.optional(),
  order_by: z.enum(PROJECT_ORDERS).optional(),
  sort: sortParam.optional(),
});

const createBody = z.object({
  name: z.string(),
  path: z.string(),
  parent_id: optionalIdParam,
  visibility: visibilityParam.optional(),
  description: z.string().optional(),
});

const updateBody = z.object({
  name: z.string().optional(),
  path: z.string().optional(),
  visibility: visibilityParam.optional(),
  description: z.string().optional(),
});

function filtersOf(query: z.output<typeof listQuery>): GroupFilters {
  return {
    search: query.search,
    owned: query.owned,
    minAccessLevel: query.min_access_level,
    topLevelOnly: query.top_level_only,
    orderBy: query.order_by,
    sort: query.sort,
  };
}

async function presentGroups(prisma: PrismaClient, groups: Namespace[], externalUrl: string) {
  const names = await fullNames(
    prisma,
    groups.map((group) => group.id),
  );
  return groups.map((group) => presentGroup(group, names.get(group.id), externalUrl));
}

export interface GroupsRouterOptions {
  /** Asked before a group rename moves the projects beneath it; default: allow. See RenameGuard. */
  renameGuard?: RenameGuard;
}

/** GitLab's `/groups` API: list, create, show, update, delete, subgroups and the group's projects. */
export function groupsRouter(context: ApiContext, options: GroupsRouterOptions = {}): Router {
  const { prisma, externalUrl } = context;
  const guard = options.renameGuard ?? ALLOW_ALL_MOVES;
  const router = Router();

  const visibleGroup = async (ref: Ref, user: User | undefined) => {
    const group = await findVisibleGroup(prisma, user, ref);
    if (!group) throw ApiError.notFound('Group');
    return group;
  };

  router.get(
    '/groups',
    handler(async (req, res) => {
      const filters = filtersOf(parseParams(listQuery, req.query));
      const page = pageOf(req);
      const { groups, total } = await listGroups(prisma, currentUser(res), filters, page);
      setPaginationHeaders(req, res, externalUrl, page, total);
      res.json(await presentGroups(prisma, groups, externalUrl));
    }),
  );

  router.post(
    '/groups',
    handler(async (req, res) => {
      const user = requireUser(res);
      const body = parseParams(createBody, req.body);
      const group = await createGroup(prisma, user, {
        name: body.name,
        path: body.path,
        parentId: body.parent_id,
        visibility: body.visibility,
        description: body.description,
      });
      context.nudgeOutbox();
      res.status(201).json((await presentGroups(prisma, [group], externalUrl))[0]);
    }),
  );

  router.get(
    '/groups/:id',
    handler(async (req, res) => {
      const group = await visibleGroup(refParam(req), currentUser(res));
      res.json((await presentGroups(prisma, [group], externalUrl))[0]);
    }),
  );

  router.put(
    '/groups/:id',
    handler(async (req, res) => {
      const user = requireUser(res);
      const group = await visibleGroup(refParam(req), user);
      const body = parseParams(updateBody, req.body);
      const updated = await updateGroup(prisma, user, group, body, guard);
      context.nudgeOutbox();
      res.json((await presentGroups(prisma, [updated], externalUrl))[0]);
    }),
  );

  router.delete(
    '/groups/:id',
    handler(async (req, res) => {
      const user = requireUser(res);
      const group = await visibleGroup(refParam(req), user);
      await deleteGroup(prisma, user, group);
      context.nudgeOutbox();
      res.status(202).json({ message: '202 Accepted' });
    }),
  );

  router.get(
    '/groups/:id/subgroups',
    handler(async (req, res) => {
      const user = currentUser(res);
      const group = await visibleGroup(refParam(req), user);
      const filters = filtersOf(parseParams(listQuery, req.query));
      const page = pageOf(req);
      const { groups, total } = await listGroups(prisma, user, { ...filters, parentId: group.id }, page);
      setPaginationHeaders(req, res, externalUrl, page, total);
      res.json(await presentGroups(prisma, groups, externalUrl));
    }),
  );

  router.get(
    '/groups/:id/projects',
    handler(async (req, res) => {
      const user = currentUser(res);
      const group = await visibleGroup(refParam(req), user);
      const query = parseParams(projectsQuery, req.query);
      const page = pageOf(req);
      const { projects, total } = await listProjects(
        prisma,
        user,
        {
          groupId: group.id,
          includeSubgroups: query.include_subgroups,
          search: query.search,
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

  return router;
}
