import type { ProjectMove } from './rename-guard';

/** How a refusal to move projects is worded, by cause. */
export interface RenameRefusal {
  /** Some project that would move holds tags in its container registry. */
  tagsPresent: string;
  /** The registry could not be asked, so the move is refused rather than risked. */
  registryUnavailable: string;
}

const TRY_AGAIN = 'Try again later.';

/**
 * A project rename (the project update). GitLab's UpdateService says "Cannot rename project
 * because it contains container registry tags!", but this suite answers as its users were promised,
 * with the transfer wording, for renames and transfers alike.
 */
export const PROJECT_RENAME_REFUSAL: RenameRefusal = {
  tagsPresent: 'Project cannot be transferred, because tags are present in its container registry.',
  registryUnavailable: `Cannot rename project because its container registry could not be checked for tags. ${TRY_AGAIN}`,
};

/** GitLab's Projects::TransferService. */
export const PROJECT_TRANSFER_REFUSAL: RenameRefusal = {
  tagsPresent: 'Project cannot be transferred, because tags are present in its container registry.',
  registryUnavailable: `Project cannot be transferred, because its container registry could not be checked for tags. ${TRY_AGAIN}`,
};

/** GitLab's Groups::UpdateService. */
export const GROUP_PATH_REFUSAL: RenameRefusal = {
  tagsPresent:
    'Cannot update the path because there are projects under this group that contain Docker images in their Container Registry. Please remove the images from your projects first and try again.',
  registryUnavailable: `Cannot update the path because the Container Registry of the projects under this group could not be checked for images. ${TRY_AGAIN}`,
};

/** GitLab's User model; shown under the `username` field, hence the lowercase start. */
export const USERNAME_REFUSAL: RenameRefusal = {
  tagsPresent: 'cannot be changed if a personal project has container registry tags.',
  registryUnavailable: `cannot be changed now: the container registry could not be checked for tags of personal projects. ${TRY_AGAIN}`,
};

const namespaceOf = (fullPath: string) => fullPath.slice(0, fullPath.lastIndexOf('/'));

/**
 * Projects are guarded by one RenameGuard for both ways they move, and GitLab words each its
 * own way. A rename (updateProject) changes only the last segment of the path; a transfer
 * (transferProject) always changes the namespace, whose full path is unique.
 */
export function projectMoveRefusal(moves: ProjectMove[]): RenameRefusal {
  const renames = moves.every((move) => namespaceOf(move.fullPath) === namespaceOf(move.newFullPath));
  return renames ? PROJECT_RENAME_REFUSAL : PROJECT_TRANSFER_REFUSAL;
}
