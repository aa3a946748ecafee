import type { Namespace } from '../../../generated/prisma/client';
import { namespaceWebUrl } from './namespace';

/** GitLab's group JSON (without `projects`, as its API leaves them out nowadays). */
export function presentGroup(group: Namespace, fullName: string | undefined, externalUrl: string) {
  return {
    id: group.id,
    name: group.name,
    path: group.path,
    description: group.description,
    visibility: group.visibility,
    full_name: fullName ?? group.name,
    full_path: group.fullPath,
    parent_id: group.parentId,
    avatar_url: null,
    web_url: namespaceWebUrl(group, externalUrl),
    created_at: group.createdAt.toISOString(),
  };
}
