import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ApiError, pageOf, setPaginationHeaders } from '@stowage/http';
import type { Prisma } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../../domain/access-level';
import { groupRole, projectRole } from '../../domain/caller-role';
import { deployTokenUsernameProblem } from '../../domain/deploy-tokens/deploy-token-fields';
import { activeDeployTokenWhere } from '../../domain/deploy-tokens/deploy-token-state';
import { issueDeployToken } from '../../domain/deploy-tokens/issue-deploy-token';
import { revokeDeployToken } from '../../domain/deploy-tokens/revoke-deploy-token';
import { parseRef } from '../../domain/lookup';
import { expiryInstantProblem, tokenNameProblem } from '../../domain/personal-access-tokens/token-fields';
import { DEPLOY_TOKEN_SCOPES } from '../../domain/scopes';
import { addProblem, hasProblems, type FieldProblems } from '../../domain/users/field-problems';
import { audit } from '../audit';
import type { ApiContext } from './api-context';
import { requireAdmin, requireUser } from './api-principal';
import { booleanParam, idParam, parseParams } from './params';
import { presentDeployToken } from './presenters/deploy-token';
import { requireRole } from './require-role';
import { instantParam, scopesParam } from './token-params';

const listQuery = z.object({ active: booleanParam.optional() });
const tokenPath = z.object({ token_id: idParam });

const createBody = z.object({
  name: z.string(),
  scopes: scopesParam(DEPLOY_TOKEN_SCOPES),
  expires_at: instantParam.nullish(),
  username: z.string().nullish(),
});

type Owner = { projectId: number } | { namespaceId: number };

/** GitLab's deploy token API: an admin-wide list, and each project's and group's tokens. */
export function deployTokensRouter(context: ApiContext): Router {
  const router = Router();
  const { prisma, externalUrl } = context;

  async function list(req: Request, res: Response, owner: Owner | null) {
    const now = new Date();
    const { active } = parseParams(listQuery, req.query);
    const where: Prisma.DeployTokenWhereInput = {
      AND: [owner ?? {}, active ? activeDeployTokenWhere(now) : {}],
    };
    const page = pageOf(req);
    const total = await prisma.deployToken.count({ where });
    const rows = await prisma.deployToken.findMany({
      where,
      orderBy: { id: 'asc' },
      skip: page.skip,
      take: page.take,
    });
    setPaginationHeaders(req, res, externalUrl, page, total);
    res.json(rows.map((row) => presentDeployToken(row, now)));
  }

  router.get('/deploy_tokens', async (req, res) => {
    requireAdmin(res);
    await list(req, res, null);
  });

  // Projects and groups manage their tokens alike; Maintainers and above may.
  const owners = {
    projects: async (req: Request, res: Response): Promise<Owner> => {
      const check = await projectRole(
        prisma,
        requireUser(res),
        parseRef(req.params.id as string),
        ACCESS_LEVEL.maintainer,
      );
      return { projectId: requireRole(check, 'Project').id };
    },
    groups: async (req: Request, res: Response): Promise<Owner> => {
      const check = await groupRole(
        prisma,
        requireUser(res),
        parseRef(req.params.id as string),
        ACCESS_LEVEL.maintainer,
      );
      return { namespaceId: requireRole(check, 'Group').id };
    },
  };

  for (const [kind, ownerOf] of Object.entries(owners)) {
    const base = `/${kind}/:id/deploy_tokens`;

    const tokenOf = async (req: Request, owner: Owner) => {
      const { token_id } = parseParams(tokenPath, req.params);
      const row = await prisma.deployToken.findFirst({ where: { id: token_id, ...owner } });
      if (!row) throw ApiError.notFound('Deploy Token');
      return row;
    };

    router.get(base, async (req, res) => list(req, res, await ownerOf(req, res)));

    router.post(base, async (req, res) => {
      const owner = await ownerOf(req, res);
      const now = new Date();
      const body = parseParams(createBody, req.body);
      const username = body.username ? body.username : null;
      const problems: FieldProblems = {};
      addProblem(problems, 'name', tokenNameProblem(body.name));
      if (username !== null) addProblem(problems, 'username', deployTokenUsernameProblem(username));
      if (body.expires_at) addProblem(problems, 'expires_at', expiryInstantProblem(body.expires_at, now));
      if (hasProblems(problems)) throw new ApiError(400, { message: problems });
      const { row, token } = await issueDeployToken(prisma, {
        owner,
        name: body.name,
        scopes: body.scopes,
        expiresAt: body.expires_at ?? null,
        username,
      });
      audit(req.log, 'token.created', {
        kind: 'deploy_token',
        token_id: row.id,
        name: row.name,
        username: row.username,
        scopes: row.scopes,
        ...owner,
        actor_id: requireUser(res).id,
      });
      res.status(201).json(presentDeployToken(row, now, token));
    });

    router.get(`${base}/:token_id`, async (req, res) => {
      const row = await tokenOf(req, await ownerOf(req, res));
      res.json(presentDeployToken(row, new Date()));
    });

    // Deleting revokes: the row stays, so the token's use remains on record.
    router.delete(`${base}/:token_id`, async (req, res) => {
      const row = await tokenOf(req, await ownerOf(req, res));
      if (await revokeDeployToken(prisma, row.id)) {
        audit(req.log, 'token.revoked', {
          kind: 'deploy_token',
          token_id: row.id,
          actor_id: requireUser(res).id,
        });
        context.nudgeOutbox();
      }
      res.status(204).end();
    });
  }

  return router;
}
