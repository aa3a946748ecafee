import { resource } from '../api/client';
import type { Group, Project } from '../api/types';

/** Whose list a page shows: one project's, or a group's (its projects the viewer may see). */
export type Owner = { kind: 'project'; project: Project } | { kind: 'group'; group: Group };

export function ownerName(owner: Owner): string {
  return owner.kind === 'project' ? owner.project.name_with_namespace : owner.group.full_name;
}

/** `/api/v4/projects/<id>` or `/api/v4/groups/<id>`. */
export function ownerResource(owner: Owner): string {
  return owner.kind === 'project'
    ? resource('projects', owner.project.id)
    : resource('groups', owner.group.id);
}
