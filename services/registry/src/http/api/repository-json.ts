import type { Repository, TagDetails } from '@stowage/registry-data';
import type { RestApiContext } from './rest-api-context';

/** GitLab's container registry entities, field for field and in GitLab's order. */

export interface RepositoryExtras {
  tagsCount?: number;
  /** Tag names, in name order. */
  tags?: string[];
  size?: number;
  /** The last tag push or move (GitLab GraphQL's `lastPublishedAt`); null without tags. */
  lastPublishedAt: Date | null;
  /** Whether the caller may delete it (GitLab then shows `delete_api_path`). */
  canDestroy: boolean;
}

/** The part of the path after the project's (`""` for the project's own repository). */
export function repositoryName(repository: Pick<Repository, 'path'>, projectFullPath: string): string {
  const prefix = projectFullPath.toLowerCase();
  if (repository.path === prefix) return '';
  return repository.path.startsWith(`${prefix}/`)
    ? repository.path.slice(prefix.length + 1)
    : repository.path;
}

export function tagJson(ctx: RestApiContext, repositoryPath: string, name: string) {
  return {
    name,
    path: `${repositoryPath}:${name}`,
    location: `${ctx.registryHost}/${repositoryPath}:${name}`,
  };
}

export function repositoryJson(
  ctx: RestApiContext,
  repository: Repository,
  projectFullPath: string,
  extras: RepositoryExtras,
) {
  const id = Number(repository.id);
  const base = ctx.externalUrl.replace(/\/$/, '');
  return {
    id,
    name: repositoryName(repository, projectFullPath),
    path: repository.path,
    project_id: repository.projectId,
    location: `${ctx.registryHost}/${repository.path}`,
    created_at: repository.createdAt.toISOString(),
    last_published_at: extras.lastPublishedAt?.toISOString() ?? null,
    cleanup_policy_started_at: repository.expirationPolicyStartedAt?.toISOString() ?? null,
    // GitLab's GraphQL field of the same name, with its stored values (`cleanup_unscheduled`...).
    expiration_policy_cleanup_status: repository.expirationPolicyCleanupStatus,
    ...(extras.tagsCount !== undefined ? { tags_count: extras.tagsCount } : {}),
    ...(extras.tags !== undefined
      ? { tags: extras.tags.map((tag) => tagJson(ctx, repository.path, tag)) }
      : {}),
    ...(extras.canDestroy
      ? { delete_api_path: `${base}/api/v4/projects/${repository.projectId}/registry/repositories/${id}` }
      : {}),
    ...(extras.size !== undefined ? { size: extras.size } : {}),
    status: repository.status,
  };
}

/**
 * GitLab's TagDetails: `revision` is the image config's hex digest, absent for an index. Added
 * for the UI: `media_type`, and `platforms` ([{os, architecture, variant?}]) for an index only.
 */
export function tagDetailsJson(ctx: RestApiContext, repositoryPath: string, tag: TagDetails) {
  const revision = tag.configDigest ? tag.configDigest.slice(tag.configDigest.indexOf(':') + 1) : null;
  return {
    ...tagJson(ctx, repositoryPath, tag.name),
    revision,
    short_revision: revision ? revision.slice(0, 9) : null,
    digest: tag.digest,
    created_at: tag.createdAt.toISOString(),
    total_size: tag.totalSize,
    media_type: tag.mediaType,
    ...(tag.platforms ? { platforms: tag.platforms } : {}),
  };
}
