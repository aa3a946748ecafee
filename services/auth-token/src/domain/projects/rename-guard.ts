/** A project whose full path is about to change, and where it would go. */
export interface ProjectMove {
  projectId: number;
  fullPath: string;
  newFullPath: string;
}

/**
 * Asked before any project's full path changes: a project rename or transfer, or a rename of a
 * group or user namespace above it. Container images live under the project's path in the
 * registry, which does not move them, so GitLab refuses to move a project whose registry holds
 * tags. auth-token cannot see the registry's data; registryRenameGuard asks the registry. It is
 * called before the write transaction, since it is a network call.
 */
export interface RenameGuard {
  /** A reason to refuse the moves (shown to the client), or null to allow them. */
  refusalFor(moves: ProjectMove[]): Promise<string | null>;
}

export const ALLOW_ALL_MOVES: RenameGuard = { refusalFor: async () => null };

/** The guard for each way a project can move; they differ in how GitLab words a refusal. */
export interface RenameGuards {
  /** A project renamed (PUT /projects/:id path) or transferred (PUT /projects/:id/transfer). */
  projects: RenameGuard;
  /** A group whose path changes, with every project beneath it. */
  groups: RenameGuard;
  /** A user renamed, with the projects of their personal namespace. */
  users: RenameGuard;
}
