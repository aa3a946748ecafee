import type { Logger } from '@stowage/logging';
import type { ProjectMove, RenameGuard, RenameGuards } from './rename-guard';
import {
  GROUP_PATH_REFUSAL,
  projectMoveRefusal,
  USERNAME_REFUSAL,
  type RenameRefusal,
} from './rename-refusals';

/** What the container registry knows about projects' tags (adapters/registry-tags-client.ts). */
export interface RegistryTags {
  /**
   * The ids among `projectIds` that have at least one tag. Rejects when the registry cannot
   * answer (unreachable, too slow, an error, an answer outside the contract).
   */
  projectsWithTags(projectIds: number[]): Promise<number[]>;
}

/**
 * Refuses moves while any moving project has tags, worded by `refusal`. Fails closed: when the
 * registry cannot answer, moving might orphan images, so the move is refused and can be retried.
 */
export function registryRenameGuard(
  tags: RegistryTags,
  refusal: (moves: ProjectMove[]) => RenameRefusal,
  logger: Logger,
): RenameGuard {
  return {
    async refusalFor(moves) {
      if (moves.length === 0) return null;
      const moving = [...new Set(moves.map((move) => move.projectId))];
      let tagged: number[];
      try {
        tagged = await tags.projectsWithTags(moving);
      } catch (error) {
        logger.warn('refused a path change: the registry could not say whether the projects have tags', {
          projectIds: moving,
          error: (error as Error).message,
          cause: ((error as Error).cause as Error | undefined)?.message,
        });
        return refusal(moves).registryUnavailable;
      }
      const movingSet = new Set(moving);
      return tagged.some((id) => movingSet.has(id)) ? refusal(moves).tagsPresent : null;
    },
  };
}

/** Every guard auth-token needs, asking `tags`, each in GitLab's words for its kind of move. */
export function registryRenameGuards(tags: RegistryTags, logger: Logger): RenameGuards {
  return {
    projects: registryRenameGuard(tags, projectMoveRefusal, logger),
    groups: registryRenameGuard(tags, () => GROUP_PATH_REFUSAL, logger),
    users: registryRenameGuard(tags, () => USERNAME_REFUSAL, logger),
  };
}
