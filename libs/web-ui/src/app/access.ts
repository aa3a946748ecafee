import type { Project, User } from '../api/types';

export const MAINTAINER = 40;
export const OWNER = 50;

/** The viewer's role in the project (GitLab's access level), 0 for none or anonymous. */
export function accessLevelIn(project: Project, viewer: User | null | undefined): number {
  if (viewer?.is_admin) return OWNER;
  const permissions = project.permissions;
  return Math.max(
    permissions?.project_access?.access_level ?? 0,
    permissions?.group_access?.access_level ?? 0,
  );
}
