import type { Request, Response } from 'express';
import { ApiError } from '@stowage/http';
import {
  authorizeCaller,
  callerOf,
  targetRef,
  type AuthorizeResponse,
  type Caller,
  type Principal,
} from '@stowage/identity-client';
import type { PackageContext } from './package-context';

/**
 * Who may do what with a project's packages, as auth-token decides it (`POST
 * /internal/v1/authorize`, decisions/packages.ts there): `read_package`, `create_package`,
 * `destroy_package`, and `admin_package` for protection rules and the cleanup policy. This is
 * the only place the package registry asks; formats call it and never decide themselves.
 */

export type PackageAction = 'read' | 'create' | 'destroy' | 'admin';

const ABILITY: Record<PackageAction, string> = {
  read: 'read_package',
  create: 'create_package',
  destroy: 'destroy_package',
  admin: 'admin_package',
};
/** Asked on every call; `admin_package` only when needed (its answer is a separate cache entry). */
const EVERYDAY_ABILITIES = [ABILITY.read, ABILITY.create, ABILITY.destroy];

/** The pipeline a publish came from (job tokens), for the package's build infos. */
export interface BuildInfo {
  pipelineId: number | null;
  ref: string | null;
  sha: string | null;
  userId: number | null;
}

export interface ProjectAccess {
  project: { id: number; fullPath: string; visibility: string };
  principal: Principal;
  can: Record<PackageAction, boolean>;
  /** The caller's role on the project (GitLab's numbers: 0 none, 10 Guest ... 50 Owner). */
  accessLevel: number;
  instanceAdmin: boolean;
  build: BuildInfo | null;
}

/** A refusal, as GitLab's API words it; formats with other error shapes read `status`. */
export class AccessRefusedError extends ApiError {
  constructor(
    status: 401 | 403 | 404,
    readonly what = 'Project',
  ) {
    super(
      status,
      status === 401
        ? { message: '401 Unauthorized' }
        : status === 403
          ? { message: '403 Forbidden' }
          : { message: `404 ${what} Not Found` },
    );
  }
}

/**
 * Package managers (pip, Maven) send credentials only after a challenge: an anonymous caller that
 * may not see or do something gets 401 with Basic, and retries with its token. A page's script
 * says so with `X-Requested-With: XMLHttpRequest` (as jQuery and Rails' UJS did) and gets the 401
 * without the challenge, which would make the browser pop up its own password dialog.
 */
function refuseAnonymously(res: Response): AccessRefusedError {
  if (!fromPageScript(res.req)) res.setHeader('WWW-Authenticate', 'Basic realm="Stowage Package Registry"');
  return new AccessRefusedError(401);
}

function fromPageScript(req: Request): boolean {
  return req.get('X-Requested-With')?.trim().toLowerCase() === 'xmlhttprequest';
}

function buildInfoOf(principal: Principal): BuildInfo | null {
  if (principal.kind !== 'job_token') return null;
  const { pipeline } = principal;
  return {
    pipelineId: pipeline?.id ?? null,
    ref: pipeline?.ref ?? null,
    sha: pipeline?.sha ?? null,
    userId: principal.user_id,
  };
}

function accessOf(answer: AuthorizeResponse): ProjectAccess {
  const project = answer.project!;
  const has = (action: PackageAction) => answer.granted.includes(ABILITY[action]);
  return {
    project: { id: project.id, fullPath: project.full_path, visibility: project.visibility },
    principal: answer.principal,
    can: { read: has('read'), create: has('create'), destroy: has('destroy'), admin: has('admin') },
    accessLevel: project.access_level,
    instanceAdmin: answer.principal.kind === 'user' && answer.principal.admin,
    build: buildInfoOf(answer.principal),
  };
}

/** The caller's rights on a project (id or full path); null when the project is not visible to them. */
export async function projectAccessFor(
  ctx: PackageContext,
  caller: Caller,
  res: Response,
  rawId: string | number,
  options: { admin?: boolean } = {},
): Promise<ProjectAccess | null> {
  const ref = typeof rawId === 'number' ? rawId : targetRef(rawId);
  if (ref === null) return null;
  const abilities = options.admin ? [...EVERYDAY_ABILITIES, ABILITY.admin] : EVERYDAY_ABILITIES;
  const answer = await authorizeCaller(ctx.identity, caller, res, { project: ref }, abilities);
  return answer.project ? accessOf(answer) : null;
}

/**
 * The project named by `:id` with the caller's package rights, when the caller may do `need`.
 * Refuses with 401 (and a Basic challenge) when an anonymous caller may not, 404 when a signed-in
 * caller cannot see the project, 403 when it sees it but lacks the right.
 */
export async function projectAccess(
  ctx: PackageContext,
  req: Request,
  res: Response,
  rawId: string | undefined,
  need: PackageAction,
): Promise<ProjectAccess> {
  const caller = callerOf(req, res);
  const access =
    rawId === undefined ? null : await projectAccessFor(ctx, caller, res, rawId, { admin: need === 'admin' });
  const anonymous = caller.credentials === null;
  if (!access) throw anonymous ? refuseAnonymously(res) : new AccessRefusedError(404);
  if (!access.can[need]) throw anonymous ? refuseAnonymously(res) : new AccessRefusedError(403);
  return access;
}

/**
 * What to answer when a lookup across several projects (group or instance level) finds nothing the
 * caller may read: 404 for signed-in callers, but 401 with a Basic challenge for anonymous ones,
 * because Maven and pip send their credentials only after a challenge and the thing they want may
 * well be in a project they can read once signed in. Telling nothing about whether it exists.
 */
export function notFoundFor(caller: Caller, res: Response, what = 'Package'): AccessRefusedError {
  return caller.credentials === null ? refuseAnonymously(res) : new AccessRefusedError(404, what);
}

/** Authorize calls in flight at once while a listing checks its projects. */
const GRANT_CONCURRENCY = 8;

/** Of `projectIds`, those whose packages the caller may read, with their rights. */
export async function readableProjects(
  ctx: PackageContext,
  caller: Caller,
  res: Response,
  projectIds: readonly number[],
): Promise<Map<number, ProjectAccess>> {
  const readable = new Map<number, ProjectAccess>();
  for (let start = 0; start < projectIds.length; start += GRANT_CONCURRENCY) {
    const chunk = projectIds.slice(start, start + GRANT_CONCURRENCY);
    const grants = await Promise.all(chunk.map((id) => projectAccessFor(ctx, caller, res, id)));
    for (const grant of grants) if (grant?.can.read) readable.set(grant.project.id, grant);
  }
  return readable;
}

export interface GroupAccess {
  group: { id: number; fullPath: string; visibility: string };
  principal: Principal;
  canAdmin: boolean;
}

/** The group named by `:id` if the caller may see it: 401 for anonymous callers, 404 otherwise. */
export async function groupAccess(
  ctx: PackageContext,
  req: Request,
  res: Response,
  rawId: string | undefined,
  need: 'read' | 'admin' = 'read',
): Promise<GroupAccess & { caller: Caller }> {
  const caller = callerOf(req, res);
  const ref = targetRef(rawId);
  const abilities = need === 'admin' ? ['admin_package'] : [];
  const answer =
    ref === null ? null : await authorizeCaller(ctx.identity, caller, res, { group: ref }, abilities);
  const anonymous = caller.credentials === null;
  if (!answer?.group) throw anonymous ? refuseAnonymously(res) : new AccessRefusedError(404, 'Group');
  const canAdmin = answer.granted.includes('admin_package');
  if (need === 'admin' && !canAdmin) throw anonymous ? refuseAnonymously(res) : new AccessRefusedError(403);
  const { id, full_path: fullPath, visibility } = answer.group;
  return { caller, group: { id, fullPath, visibility }, principal: answer.principal, canAdmin };
}
