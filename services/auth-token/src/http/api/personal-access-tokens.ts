import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ApiError, pageOf, setPaginationHeaders } from '@stowage/http';
import type { PersonalAccessToken, Prisma, User } from '../../generated/prisma/client';
import { issuePersonalAccessToken } from '../../domain/personal-access-tokens/issue-token';
import { revokePersonalAccessToken } from '../../domain/personal-access-tokens/revoke-token';
import { rotatePersonalAccessToken } from '../../domain/personal-access-tokens/rotate-token';
import {
  daysFromToday,
  expiryDateProblem,
  tokenDescriptionProblem,
  tokenNameProblem,
} from '../../domain/personal-access-tokens/token-fields';
import { tokenStateWhere } from '../../domain/personal-access-tokens/token-state';
import { PERSONAL_ACCESS_TOKEN_SCOPES } from '../../domain/scopes';
import { addProblem, hasProblems, type FieldProblems } from '../../domain/users/field-problems';
import { audit } from '../audit';
import type { ApiContext } from './api-context';
import { principalOf, requireAdmin, requireUser } from './api-principal';
import { booleanParam, dateParam, idParam, parseParams } from './params';
import { presentPersonalAccessToken } from './presenters/personal-access-token';
import { scopesParam } from './token-params';

/** GitLab's defaults: a new token lives a year, a rotated one a week, unless told otherwise. */
const DEFAULT_LIFETIME_DAYS = 365;
const ROTATED_LIFETIME_DAYS = 7;

const createBody = z.object({
  name: z.string(),
  scopes: scopesParam(PERSONAL_ACCESS_TOKEN_SCOPES),
  expires_at: dateParam.nullish(),
  description: z.string().optional(),
});

const rotateBody = z.object({ expires_at: dateParam.nullish() });

const listQuery = z.object({
  user_id: idParam.optional(),
  state: z.enum(['active', 'inactive']).optional(),
  revoked: booleanParam.optional(),
  search: z.string().optional(),
});

const idPath = z.object({ id: idParam });
const userIdPath = z.object({ user_id: idParam });

const invalid = (problems: FieldProblems) => new ApiError(400, { message: problems });

function rotatedExpiry(date: Date | null | undefined, now: Date): Date {
  if (date === null || date === undefined) return daysFromToday(now, ROTATED_LIFETIME_DAYS);
  const problem = expiryDateProblem(date, now);
  if (problem) throw invalid({ expires_at: [problem] });
  return date;
}

/** GitLab's personal access token API: create, list, show, revoke and rotate. */
export function personalAccessTokensRouter(context: ApiContext): Router {
  const router = Router();
  const { prisma } = context;

  async function create(req: Request, res: Response, owner: User, actor: User) {
    const now = new Date();
    const body = parseParams(createBody, req.body);
    const description = body.description ?? '';
    const problems: FieldProblems = {};
    addProblem(problems, 'name', tokenNameProblem(body.name));
    addProblem(problems, 'description', tokenDescriptionProblem(description));
    if (body.expires_at) addProblem(problems, 'expires_at', expiryDateProblem(body.expires_at, now));
    if (hasProblems(problems)) throw invalid(problems);
    const { row, token } = await issuePersonalAccessToken(prisma, {
      userId: owner.id,
      name: body.name,
      description,
      scopes: body.scopes,
      expiresAt: body.expires_at ?? daysFromToday(now, DEFAULT_LIFETIME_DAYS),
    });
    audit(req.log, 'token.created', {
      kind: 'personal_access_token',
      token_id: row.id,
      name: row.name,
      scopes: row.scopes,
      user_id: owner.id,
      actor_id: actor.id,
    });
    res.status(201).json(presentPersonalAccessToken(row, now, token));
  }

  /** The token the request authenticated with. */
  async function ownToken(res: Response): Promise<PersonalAccessToken> {
    requireUser(res);
    const principal = principalOf(res);
    const credential = principal.kind === 'user' ? principal.credential : '';
    const match = /^personal_access_token:(\d+)$/.exec(credential);
    const row = match
      ? await prisma.personalAccessToken.findUnique({ where: { id: Number(match[1]) } })
      : null;
    if (!row) throw ApiError.unauthorized();
    return row;
  }

  /**
   * A token by id, as GitLab shows it: admins see any (404 if none); other users only their own,
   * and anything else answers 401 whether it exists or not, so ids reveal nothing.
   */
  async function visibleToken(req: Request, res: Response): Promise<PersonalAccessToken> {
    const caller = requireUser(res);
    const { id } = parseParams(idPath, req.params);
    const row = await prisma.personalAccessToken.findUnique({ where: { id } });
    if (caller.admin) {
      if (!row) throw ApiError.notFound();
      return row;
    }
    if (!row || row.userId !== caller.id) throw ApiError.unauthorized();
    return row;
  }

  async function revoke(req: Request, res: Response, row: PersonalAccessToken) {
    const actor = requireUser(res);
    if (await revokePersonalAccessToken(prisma, row)) {
      audit(req.log, 'token.revoked', {
        kind: 'personal_access_token',
        token_id: row.id,
        user_id: row.userId,
        actor_id: actor.id,
      });
      context.nudgeOutbox();
    }
    res.status(204).end();
  }

  async function rotate(req: Request, res: Response, row: PersonalAccessToken) {
    const actor = requireUser(res);
    const now = new Date();
    const body = parseParams(rotateBody, req.body);
    const expiresAt = rotatedExpiry(body.expires_at, now);
    const result = await rotatePersonalAccessToken(prisma, row, expiresAt, now);
    if (result.kind === 'already_revoked') throw ApiError.badRequest('Token already revoked');
    audit(req.log, 'token.rotated', {
      kind: 'personal_access_token',
      token_id: row.id,
      new_token_id: result.row.id,
      user_id: row.userId,
      actor_id: actor.id,
    });
    context.nudgeOutbox();
    res.status(200).json(presentPersonalAccessToken(result.row, now, result.token));
  }

  router.post('/users/:user_id/personal_access_tokens', async (req, res) => {
    const actor = requireAdmin(res);
    const { user_id } = parseParams(userIdPath, req.params);
    const owner = await prisma.user.findUnique({ where: { id: user_id } });
    if (!owner) throw ApiError.notFound('User');
    await create(req, res, owner, actor);
  });

  router.post('/user/personal_access_tokens', async (req, res) => {
    const user = requireUser(res);
    await create(req, res, user, user);
  });

  router.get('/personal_access_tokens', async (req, res) => {
    const caller = requireUser(res);
    const query = parseParams(listQuery, req.query);
    // Only admins may look at other users' tokens.
    if (!caller.admin && query.user_id !== undefined && query.user_id !== caller.id)
      throw ApiError.unauthorized();
    const now = new Date();
    const userId = caller.admin ? query.user_id : caller.id;
    const where: Prisma.PersonalAccessTokenWhereInput = {
      AND: [
        userId === undefined ? {} : { userId },
        query.state ? tokenStateWhere(query.state, now) : {},
        query.revoked === undefined ? {} : { revokedAt: query.revoked ? { not: null } : null },
        query.search ? { name: { contains: query.search, mode: 'insensitive' } } : {},
      ],
    };
    const page = pageOf(req);
    const total = await prisma.personalAccessToken.count({ where });
    const rows = await prisma.personalAccessToken.findMany({
      where,
      orderBy: { id: 'asc' },
      skip: page.skip,
      take: page.take,
    });
    setPaginationHeaders(req, res, context.externalUrl, page, total);
    res.json(rows.map((row) => presentPersonalAccessToken(row, now)));
  });

  // `self` first: it would otherwise be taken for an id.
  router.get('/personal_access_tokens/self', async (_req, res) => {
    res.json(presentPersonalAccessToken(await ownToken(res), new Date()));
  });
  router.delete('/personal_access_tokens/self', async (req, res) => revoke(req, res, await ownToken(res)));
  router.post('/personal_access_tokens/self/rotate', async (req, res) =>
    rotate(req, res, await ownToken(res)),
  );

  router.get('/personal_access_tokens/:id', async (req, res) => {
    res.json(presentPersonalAccessToken(await visibleToken(req, res), new Date()));
  });
  router.delete('/personal_access_tokens/:id', async (req, res) =>
    revoke(req, res, await visibleToken(req, res)),
  );
  router.post('/personal_access_tokens/:id/rotate', async (req, res) =>
    rotate(req, res, await visibleToken(req, res)),
  );

  return router;
}
