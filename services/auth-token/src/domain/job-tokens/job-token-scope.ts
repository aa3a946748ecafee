import type { Prisma, PrismaClient, Project } from '../../generated/prisma/client';
import { recordIdentityEvent } from '../identity-events';

/*
 * A project's inbound job token allowlist: the projects whose CI jobs may use their job tokens on
 * it. A link row has the guarded project as `target` and the admitted project as `source`. Every
 * change is announced as a project update, so services that cached access decisions for the
 * project drop them (a removal narrows access, and must take effect).
 */

async function announce(tx: Prisma.TransactionClient, project: Project): Promise<void> {
  await recordIdentityEvent(tx, 'identity.project.updated', {
    project_id: project.id,
    full_path: project.fullPath,
  });
}

export function setJobTokenScopeEnabled(
  prisma: PrismaClient,
  project: Project,
  enabled: boolean,
): Promise<void> {
  return prisma.$transaction(async (tx) => {
    await tx.project.update({ where: { id: project.id }, data: { jobTokenScopeEnabled: enabled } });
    await announce(tx, project);
  });
}

/** The allowlist as GitLab lists it: the project itself (always admitted) and the linked ones. */
export function allowlistWhere(project: Project): Prisma.ProjectWhereInput {
  return { OR: [{ id: project.id }, { outboundLinks: { some: { targetProjectId: project.id } } }] };
}

export type AllowlistChange = 'done' | 'already_listed' | 'not_listed';

export function addToAllowlist(
  prisma: PrismaClient,
  project: Project,
  admitted: Project,
): Promise<AllowlistChange> {
  return prisma.$transaction(async (tx) => {
    if (admitted.id === project.id) return 'already_listed';
    const key = { targetProjectId: project.id, sourceProjectId: admitted.id };
    const existing = await tx.jobTokenScopeLink.findUnique({
      where: { targetProjectId_sourceProjectId: key },
    });
    if (existing) return 'already_listed';
    await tx.jobTokenScopeLink.create({ data: key });
    await announce(tx, project);
    return 'done';
  });
}

export function removeFromAllowlist(
  prisma: PrismaClient,
  project: Project,
  admitted: Project,
): Promise<AllowlistChange> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.jobTokenScopeLink.deleteMany({
      where: { targetProjectId: project.id, sourceProjectId: admitted.id },
    });
    if (count === 0) return 'not_listed';
    await announce(tx, project);
    return 'done';
  });
}
