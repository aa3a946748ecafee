import { Router, type Request, type Response } from 'express';
import { ApiError, pageOf, setPaginationHeaders } from '@stowage/http';
import { z } from 'zod';
import {
  addMember,
  removeMember,
  updateMember,
  type MemberWithUser,
} from '../../domain/members/change-membership';
import { listAllMembers, listDirectMembers } from '../../domain/members/list-members';
import type { MemberSource } from '../../domain/members/member-source';
import { findVisibleGroup, findVisibleProject } from '../../domain/visibility';
import { audit } from '../audit';
import type { ApiContext } from './api-context';
import { currentUser, requireUser } from './api-principal';
import { dateParam, idParam, parseParams } from './params';
import { presentMember } from './presenters/member';
import { accessLevelParam, refParam } from './resource-params';
import { handler } from './rule-violations';

/** `expires_at`: a date, or empty/null to remove the expiry. */
const expiresAtParam = z.preprocess(
  (value) => (value === '' ? null : value),
  dateParam.nullable().optional(),
);

const addBody = z.object({
  user_id: idParam.optional(),
  username: z.string().min(1).optional(),
  access_level: accessLevelParam,
  expires_at: expiresAtParam,
});

const updateBody = z.object({ access_level: accessLevelParam, expires_at: expiresAtParam });

const userIdParams = z.object({ user_id: idParam });

const listQuery = z.object({ query: z.string().optional() });

const SOURCES = ['projects', 'groups'] as const;

/** GitLab's members API, the same for `/projects/:id/members` and `/groups/:id/members`. */
export function membersRouter(context: ApiContext): Router {
  const { prisma, externalUrl } = context;
  const router = Router();

  const source = async (
    kind: (typeof SOURCES)[number],
    req: Request,
    res: Response,
  ): Promise<MemberSource> => {
    const user = currentUser(res);
    if (kind === 'projects') {
      const project = await findVisibleProject(prisma, user, refParam(req));
      if (!project) throw ApiError.notFound('Project');
      return { kind: 'project', project };
    }
    const group = await findVisibleGroup(prisma, user, refParam(req));
    if (!group) throw ApiError.notFound('Group');
    return { kind: 'group', group };
  };

  const auditChange = (req: Request, res: Response, action: string, member: MemberWithUser) =>
    audit(req.log, 'membership.changed', {
      action,
      actor_id: requireUser(res).id,
      user_id: member.userId,
      ...(member.projectId !== null
        ? { project_id: member.projectId }
        : { namespace_id: member.namespaceId }),
      access_level: member.accessLevel,
    });

  for (const kind of SOURCES) {
    router.get(
      `/${kind}/:id/members`,
      handler(async (req, res) => {
        const from = await source(kind, req, res);
        const { query } = parseParams(listQuery, req.query);
        const page = pageOf(req);
        const { members, total } = await listDirectMembers(prisma, from, { query }, page);
        setPaginationHeaders(req, res, externalUrl, page, total);
        res.json(members.map((member) => presentMember(member, externalUrl)));
      }),
    );

    router.get(
      `/${kind}/:id/members/all`,
      handler(async (req, res) => {
        const from = await source(kind, req, res);
        const { query } = parseParams(listQuery, req.query);
        const page = pageOf(req);
        const members = await listAllMembers(prisma, from, { query });
        setPaginationHeaders(req, res, externalUrl, page, members.length);
        res.json(
          members.slice(page.skip, page.skip + page.take).map((member) => presentMember(member, externalUrl)),
        );
      }),
    );

    router.get(
      `/${kind}/:id/members/all/:user_id`,
      handler(async (req, res) => {
        const from = await source(kind, req, res);
        const { user_id: userId } = parseParams(userIdParams, req.params);
        const [member] = await listAllMembers(prisma, from, { userIds: [userId] });
        if (!member) throw ApiError.notFound('Member');
        res.json(presentMember(member, externalUrl));
      }),
    );

    router.get(
      `/${kind}/:id/members/:user_id`,
      handler(async (req, res) => {
        const from = await source(kind, req, res);
        const { user_id: userId } = parseParams(userIdParams, req.params);
        const { members } = await listDirectMembers(
          prisma,
          from,
          { userIds: [userId] },
          { skip: 0, take: 1 },
        );
        if (!members[0]) throw ApiError.notFound('Member');
        res.json(presentMember(members[0], externalUrl));
      }),
    );

    router.post(
      `/${kind}/:id/members`,
      handler(async (req, res) => {
        const actor = requireUser(res);
        const from = await source(kind, req, res);
        const body = parseParams(addBody, req.body);
        if (body.user_id === undefined && body.username === undefined) {
          throw new ApiError(400, {
            error: 'user_id, username are missing, exactly one parameter must be provided',
          });
        }
        if (body.user_id !== undefined && body.username !== undefined) {
          throw new ApiError(400, { error: 'user_id, username are mutually exclusive' });
        }
        const member = await addMember(prisma, actor, from, {
          userId: body.user_id,
          username: body.username,
          accessLevel: body.access_level,
          expiresAt: body.expires_at,
        });
        context.nudgeOutbox();
        auditChange(req, res, 'added', member);
        res.status(201).json(presentMember(member, externalUrl));
      }),
    );

    router.put(
      `/${kind}/:id/members/:user_id`,
      handler(async (req, res) => {
        const actor = requireUser(res);
        const from = await source(kind, req, res);
        const { user_id: userId } = parseParams(userIdParams, req.params);
        const body = parseParams(updateBody, req.body);
        const member = await updateMember(prisma, actor, from, userId, {
          accessLevel: body.access_level,
          expiresAt: body.expires_at,
        });
        context.nudgeOutbox();
        auditChange(req, res, 'updated', member);
        res.json(presentMember(member, externalUrl));
      }),
    );

    router.delete(
      `/${kind}/:id/members/:user_id`,
      handler(async (req, res) => {
        const actor = requireUser(res);
        const from = await source(kind, req, res);
        const { user_id: userId } = parseParams(userIdParams, req.params);
        const member = await removeMember(prisma, actor, from, userId);
        context.nudgeOutbox();
        auditChange(req, res, 'removed', member);
        res.status(204).end();
      }),
    );
  }

  return router;
}
