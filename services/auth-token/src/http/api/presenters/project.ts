import type { Namespace, Project } from '../../../generated/prisma/client';
import { baseUrl, presentNamespace } from './namespace';

/** The caller's own roles on a project, as GitLab's `permissions` shows them. */
export interface ProjectPermissions {
  /** Direct membership of the project (owning its personal namespace counts as Owner). */
  projectAccess: number | null;
  /** Highest membership of the groups above it. */
  groupAccess: number | null;
}

const access = (level: number | null) => (level ? { access_level: level, notification_level: 3 } : null);

/**
 * GitLab's project JSON. `namespaceFullName` is the namespace's "Group / Subgroup" name;
 * `permissions` is shown on single-project answers, as GitLab does.
 */
export function presentProject(
  project: Project,
  namespace: Namespace,
  namespaceFullName: string | undefined,
  externalUrl: string,
  permissions?: ProjectPermissions,
) {
  const registryHost = new URL(externalUrl).host;
  return {
    id: project.id,
    name: project.name,
    path: project.path,
    path_with_namespace: project.fullPath,
    name_with_namespace: `${namespaceFullName ?? namespace.name} / ${project.name}`,
    description: project.description,
    visibility: project.visibility,
    namespace: presentNamespace(namespace, externalUrl),
    web_url: `${baseUrl(externalUrl)}/${project.fullPath}`,
    created_at: project.createdAt.toISOString(),
    last_activity_at: project.updatedAt.toISOString(),
    creator_id: project.creatorId,
    container_registry_enabled: project.containerRegistryAccessLevel !== 'disabled',
    container_registry_access_level: project.containerRegistryAccessLevel,
    container_registry_image_prefix: `${registryHost}/${project.fullPath.toLowerCase()}`,
    packages_enabled: project.packageRegistryAccessLevel !== 'disabled',
    package_registry_access_level: project.packageRegistryAccessLevel,
    ...(permissions
      ? {
          permissions: {
            project_access: access(permissions.projectAccess),
            group_access: access(permissions.groupAccess),
          },
        }
      : {}),
  };
}
