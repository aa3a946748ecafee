import type { PrismaClient, Project, User } from '../../generated/prisma/client';
import { ACCESS_LEVEL } from '../access-level';
import { recordIdentityEvent } from '../identity-events';
import { accessLevelOnProject } from '../membership';
import { RuleViolation } from '../rule-violation';
import { lockProject } from './update-project';

/**
 * Owners (and admins) delete a project with everything that hangs off it (memberships, deploy
 * and job tokens, job-token allowlist links, its route). identity.project.deleted tells the
 * storage services; the tokens that die with it are announced as revoked, so verifiers that
 * cache them stop accepting them at once.
 */
export async function deleteProject(prisma: PrismaClient, actor: User, project: Project): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const current = await lockProject(tx, project.id);
    if ((await accessLevelOnProject(tx, actor, current)) < ACCESS_LEVEL.owner)
      throw RuleViolation.notAllowed();
    const now = new Date();
    const deployTokens = await tx.deployToken.findMany({ where: { projectId: current.id, revokedAt: null } });
    const jobTokens = await tx.jobToken.findMany({
      where: { projectId: current.id, finishedAt: null, expiresAt: { gt: now } },
    });
    await tx.project.delete({ where: { id: current.id } });
    for (const token of deployTokens) {
      await recordIdentityEvent(tx, 'identity.token.revoked', {
        credential: `deploy_token:${token.id}`,
        revoked_at: now.toISOString(),
      });
    }
    for (const token of jobTokens) {
      await recordIdentityEvent(tx, 'identity.token.revoked', {
        credential: `job_token:${token.id}`,
        user_id: token.userId,
        revoked_at: now.toISOString(),
      });
    }
    await recordIdentityEvent(tx, 'identity.project.deleted', {
      project_id: current.id,
      full_path: current.fullPath,
    });
  });
}
