import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ApiError, pageOf, setPaginationHeaders } from '@stowage/http';
import type { JobToken, Project, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL, NO_ACCESS } from '../../domain/access-level';
import { projectRole } from '../../domain/caller-role';
import { finishJobToken } from '../../domain/job-tokens/finish-job-token';
import {
  issueJobToken,
  JOB_TOKEN_DEFAULT_TTL_SECONDS,
  JOB_TOKEN_MAX_TTL_SECONDS,
} from '../../domain/job-tokens/issue-job-token';
import {
  addToAllowlist,
  allowlistWhere,
  removeFromAllowlist,
  setJobTokenScopeEnabled,
} from '../../domain/job-tokens/job-token-scope';
import { parseRef } from '../../domain/lookup';
import { audit } from '../audit';
import type { ApiContext } from './api-context';
import { requireUser } from './api-principal';
import { booleanParam, idParam, parseParams } from './params';
import { presentAllowlistedProject, presentJobToken, presentScopeLink } from './presenters/job-token';
import { requireRole } from './require-role';

// Seconds as JSON number or form text; out of range reads as Grape's `values:` refusal.
const expiresInParam = z
  .preprocess(
    (raw) => (typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : raw),
    z.number().int(),
  )
  .transform((seconds, ctx) => {
    if (seconds >= 1 && seconds <= JOB_TOKEN_MAX_TTL_SECONDS) return seconds;
    ctx.addIssue({ code: 'invalid_value', values: [], input: seconds });
    return z.NEVER;
  });

/** CI pipeline ids outgrow 32 bits on big instances; any positive safe integer is taken. */
const pipelineIdParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** A git ref name as the CI system gives it (a branch or tag, possibly `refs/...`). */
const refParam = z.string().min(1).max(1024);
/** A commit id: SHA-1 or SHA-256, in hex. */
const shaParam = z
  .string()
  .regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i)
  .transform((sha) => sha.toLowerCase());

const createBody = z
  .object({
    user_id: idParam.optional(),
    job_id: z.union([z.string().max(255), z.number().int().transform(String)]).optional(),
    expires_in: expiresInParam.optional(),
    // The job's pipeline (optional): packages the job publishes record it as a build info.
    pipeline_id: pipelineIdParam.optional(),
    ref: refParam.optional(),
    sha: shaParam.optional(),
  })
  .refine((body) => body.pipeline_id !== undefined || (body.ref === undefined && body.sha === undefined), {
    path: ['pipeline_id'],
    message: 'is missing',
  });
const tokenPath = z.object({ token_id: idParam });
const scopeBody = z.object({ enabled: booleanParam });
const allowlistBody = z.object({ target_project_id: idParam });
const allowlistPath = z.object({ target_project_id: idParam });

/**
 * Job tokens (our API: a CI system asks for one when a job starts and gives it back when the job
 * ends) and GitLab's job token scope API (which other projects' jobs may act on this one).
 */
export function jobTokensRouter(context: ApiContext): Router {
  const router = Router();
  const { prisma, externalUrl } = context;

  const project = async (
    req: Request,
    caller: User,
    minimum: number,
  ): Promise<{ project: Project; level: number }> => {
    const check = await projectRole(prisma, caller, parseRef(req.params.id as string), minimum);
    return { project: requireRole(check, 'Project'), level: check.kind === 'ok' ? check.level : NO_ACCESS };
  };

  /** A token of this project that the caller may manage: its own user, a Maintainer, an admin. */
  async function managedToken(req: Request, res: Response): Promise<{ row: JobToken; caller: User }> {
    const caller = requireUser(res);
    const { project: target, level } = await project(req, caller, NO_ACCESS);
    const { token_id } = parseParams(tokenPath, req.params);
    const row = await prisma.jobToken.findFirst({ where: { id: token_id, projectId: target.id } });
    if (!row) throw ApiError.notFound('Job Token');
    if (row.userId !== caller.id && level < ACCESS_LEVEL.maintainer) throw ApiError.forbidden();
    return { row, caller };
  }

  router.post('/projects/:id/job_tokens', async (req, res) => {
    const caller = requireUser(res);
    const body = parseParams(createBody, req.body);
    const { project: target } = await project(req, caller, ACCESS_LEVEL.developer);
    const userId = body.user_id ?? caller.id;
    // A job acts as the user who started it; only an admin may start one for someone else.
    if (userId !== caller.id && !caller.admin) throw ApiError.forbidden();
    const user = userId === caller.id ? caller : await prisma.user.findUnique({ where: { id: userId } });
    if (!user) throw ApiError.notFound('User');
    if (user.state !== 'active') throw new ApiError(400, { message: { user_id: ['is blocked'] } });
    const now = new Date();
    const { row, token } = await issueJobToken(
      prisma,
      {
        projectId: target.id,
        userId,
        jobId: body.job_id ?? null,
        pipeline:
          body.pipeline_id === undefined
            ? null
            : { id: body.pipeline_id, ref: body.ref ?? null, sha: body.sha ?? null },
        expiresInSeconds: body.expires_in ?? JOB_TOKEN_DEFAULT_TTL_SECONDS,
      },
      now,
    );
    audit(req.log, 'token.created', {
      kind: 'job_token',
      token_id: row.id,
      project_id: target.id,
      user_id: userId,
      job_id: row.jobId,
      pipeline_id: body.pipeline_id ?? null,
      actor_id: caller.id,
    });
    res.status(201).json(presentJobToken(row, now, token));
  });

  router.get('/projects/:id/job_tokens/:token_id', async (req, res) => {
    const { row } = await managedToken(req, res);
    res.json(presentJobToken(row, new Date()));
  });

  // The job finished: the token stops working at once. Finishing twice is harmless.
  router.delete('/projects/:id/job_tokens/:token_id', async (req, res) => {
    const { row, caller } = await managedToken(req, res);
    if (await finishJobToken(prisma, row)) {
      audit(req.log, 'token.revoked', { kind: 'job_token', token_id: row.id, actor_id: caller.id });
      context.nudgeOutbox();
    }
    res.status(204).end();
  });

  // Job token scope: Maintainers and above manage it.
  const guarded = async (req: Request, res: Response) =>
    (await project(req, requireUser(res), ACCESS_LEVEL.maintainer)).project;

  router.get('/projects/:id/job_token_scope', async (req, res) => {
    const target = await guarded(req, res);
    res.json({ inbound_enabled: target.jobTokenScopeEnabled, outbound_enabled: false });
  });

  router.patch('/projects/:id/job_token_scope', async (req, res) => {
    const target = await guarded(req, res);
    const { enabled } = parseParams(scopeBody, req.body);
    await setJobTokenScopeEnabled(prisma, target, enabled);
    context.nudgeOutbox();
    res.status(204).end();
  });

  router.get('/projects/:id/job_token_scope/allowlist', async (req, res) => {
    const target = await guarded(req, res);
    const where = allowlistWhere(target);
    const page = pageOf(req);
    const total = await prisma.project.count({ where });
    const rows = await prisma.project.findMany({
      where,
      orderBy: { id: 'asc' },
      skip: page.skip,
      take: page.take,
    });
    setPaginationHeaders(req, res, externalUrl, page, total);
    res.json(rows.map((row) => presentAllowlistedProject(row, externalUrl)));
  });

  /** The project to admit or remove, which the caller must be able to see. */
  async function admitted(caller: User, id: number, what: 'Target Project' | 'Project'): Promise<Project> {
    const check = await projectRole(prisma, caller, id, NO_ACCESS);
    if (check.kind !== 'ok') throw ApiError.notFound(what);
    return check.target;
  }

  router.post('/projects/:id/job_token_scope/allowlist', async (req, res) => {
    const target = await guarded(req, res);
    const { target_project_id } = parseParams(allowlistBody, req.body);
    const source = await admitted(requireUser(res), target_project_id, 'Target Project');
    if ((await addToAllowlist(prisma, target, source)) === 'already_listed') {
      throw ApiError.badRequest('Target project is already in the job token scope');
    }
    context.nudgeOutbox();
    res.status(201).json(presentScopeLink(target, source));
  });

  router.delete('/projects/:id/job_token_scope/allowlist/:target_project_id', async (req, res) => {
    const target = await guarded(req, res);
    const { target_project_id } = parseParams(allowlistPath, req.params);
    const source = await admitted(requireUser(res), target_project_id, 'Project');
    if ((await removeFromAllowlist(prisma, target, source)) === 'not_listed') {
      throw ApiError.badRequest('Target project is not in the job token scope');
    }
    context.nudgeOutbox();
    res.status(204).end();
  });

  return router;
}
