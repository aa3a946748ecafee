import type { Prisma, Project } from '../../generated/prisma/client';
import { recordIdentityEvent } from '../identity-events';
import { moveRoute } from '../routes';

type Tx = Pick<Prisma.TransactionClient, 'project' | 'route' | '$executeRawUnsafe'>;

/**
 * Gives a project a new full path (after a rename, a transfer, or a rename of a group above
 * it): its row, its route, and an identity.project.updated event naming the previous path, so
 * services keyed by path (registry repositories, package names) can follow.
 */
export async function moveProject(
  tx: Tx,
  project: Project,
  newFullPath: string,
  data: Prisma.ProjectUncheckedUpdateInput = {},
): Promise<Project> {
  await moveRoute(tx, project.fullPath, newFullPath);
  const moved = await tx.project.update({
    where: { id: project.id },
    data: { ...data, fullPath: newFullPath },
  });
  await recordIdentityEvent(tx, 'identity.project.updated', {
    project_id: moved.id,
    full_path: moved.fullPath,
    previous_full_path: project.fullPath,
  });
  return moved;
}

/** `fullPath` with its leading `from` segment(s) replaced by `to` (a group above it moved). */
export function rebase(fullPath: string, from: string, to: string): string {
  return to + fullPath.slice(from.length);
}
