import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ApiError, pageOf, setPaginationHeaders } from '@stowage/http';
import type { User } from '../../generated/prisma/client';
import { ALLOW_ALL_MOVES, type RenameGuard } from '../../domain/projects/rename-guard';
import { createUser } from '../../domain/users/create-user';
import type { FieldProblems } from '../../domain/users/field-problems';
import { updateUser } from '../../domain/users/update-user';
import { userFilterWhere } from '../../domain/users/user-filters';
import { setUserState, type UserState } from '../../domain/users/user-state';
import { audit } from '../audit';
import type { ApiContext } from './api-context';
import { currentUser, requireAdmin, requireUser } from './api-principal';
import { booleanParam, idParam, parseParams } from './params';
import { presentUser } from './presenters/user';

const idPath = z.object({ id: idParam });

const listQuery = z.object({
  username: z.string().optional(),
  search: z.string().optional(),
  active: booleanParam.optional(),
  blocked: booleanParam.optional(),
});

const createBody = z.object({
  username: z.string(),
  email: z.string(),
  name: z.string(),
  password: z.string().optional(),
  reset_password: booleanParam.optional(),
  force_random_password: booleanParam.optional(),
  admin: booleanParam.optional(),
  skip_confirmation: booleanParam.optional(),
});

const updateBody = z.object({
  username: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
  password: z.string().optional(),
  admin: booleanParam.optional(),
});

const invalid = (problems: FieldProblems) => new ApiError(400, { message: problems });

export interface UsersRouterOptions {
  /** Asked before a username change moves the user's projects; default: allow. See RenameGuard. */
  renameGuard?: RenameGuard;
}

/** GitLab's users API: the caller, the user directory, and admins' user management. */
export function usersRouter(context: ApiContext, options: UsersRouterOptions = {}): Router {
  const router = Router();
  const { prisma, externalUrl } = context;
  const guard = options.renameGuard ?? ALLOW_ALL_MOVES;
  const show = (user: User, viewer: User | undefined) =>
    presentUser(user, externalUrl, { full: viewer !== undefined && (viewer.admin || viewer.id === user.id) });

  router.get('/user', (_req, res) => {
    const user = requireUser(res);
    res.json(show(user, user));
  });

  router.get('/users', async (req, res) => {
    const query = parseParams(listQuery, req.query);
    const viewer = currentUser(res);
    // Anonymous callers may look one user up by name, never page through everyone (as GitLab).
    if (!viewer && query.username === undefined) {
      throw new ApiError(403, { message: '403 Forbidden - Not authorized to access /api/v4/users' });
    }
    const admin = viewer?.admin === true;
    const where = userFilterWhere({ ...query, searchEmail: admin });
    const page = pageOf(req);
    const total = await prisma.user.count({ where });
    const users = await prisma.user.findMany({
      where,
      orderBy: { id: 'desc' },
      skip: page.skip,
      take: page.take,
    });
    setPaginationHeaders(req, res, externalUrl, page, total);
    res.json(users.map((user) => presentUser(user, externalUrl, { full: admin })));
  });

  router.get('/users/:id', async (req, res) => {
    const { id } = parseParams(idPath, req.params);
    const user = await prisma.user.findUnique({ where: { id } });
    if (!user) throw ApiError.notFound('User');
    res.json(show(user, currentUser(res)));
  });

  router.post('/users', async (req, res) => {
    const actor = requireAdmin(res);
    const body = parseParams(createBody, req.body);
    if (body.password === undefined && !body.reset_password && !body.force_random_password) {
      throw new ApiError(400, {
        error:
          'password, reset_password, force_random_password are missing, at least one parameter must be provided',
      });
    }
    // Without a password the user has none to sign in with until an admin sets one; tokens work.
    const result = await createUser(prisma, {
      username: body.username,
      email: body.email,
      name: body.name,
      password: body.password ?? null,
      admin: body.admin ?? false,
    });
    if (result.kind === 'invalid') throw invalid(result.problems);
    audit(req.log, 'user.created', {
      actor_id: actor.id,
      user_id: result.user.id,
      username: result.user.username,
    });
    res.status(201).json(show(result.user, actor));
  });

  router.put('/users/:id', async (req, res) => {
    const actor = requireAdmin(res);
    const { id } = parseParams(idPath, req.params);
    const changes = parseParams(updateBody, req.body);
    const result = await updateUser(prisma, id, changes, guard);
    if (result.kind === 'not_found') throw ApiError.notFound('User');
    if (result.kind === 'invalid') throw invalid(result.problems);
    if (result.recordedEvents) context.nudgeOutbox();
    res.json(show(result.user, actor));
  });

  const changeState = (state: UserState) =>
    async function handler(req: Request, res: Response) {
      const actor = requireAdmin(res);
      const { id } = parseParams(idPath, req.params);
      if (state === 'blocked' && id === actor.id) {
        throw new ApiError(403, { message: '403 Forbidden - You cannot block yourself' });
      }
      const result = await setUserState(prisma, id, state);
      if (result.kind === 'not_found') throw ApiError.notFound('User');
      if (result.changed) {
        audit(req.log, state === 'blocked' ? 'user.blocked' : 'user.unblocked', {
          actor_id: actor.id,
          user_id: id,
        });
        context.nudgeOutbox();
      }
      res.status(201).json(true);
    };
  router.post('/users/:id/block', changeState('blocked'));
  router.post('/users/:id/unblock', changeState('active'));

  return router;
}
