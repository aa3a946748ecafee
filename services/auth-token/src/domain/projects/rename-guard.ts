/** A project whose full path is about to change, and where it would go. */
export interface ProjectMove {
  projectId: number;
  fullPath: string;
  newFullPath: string;
}

/**
 * Asked before any project's full path changes: a project rename or transfer, or a rename of a
 * group above it. Container images live under the project's path in the registry, which does
 * not move them, so GitLab refuses to move a project whose registry holds tags. auth-token
 * cannot see the registry's data: the registry will have to answer ("does project N have
 * tags?") through an API of its own, and that client will implement this interface. Until then
 * every move is allowed (ALLOW_ALL_MOVES). It is called before the write transaction, since it
 * will be a network call.
 */
export interface RenameGuard {
  /** A reason to refuse the moves (shown to the client), or null to allow them. */
  refusalFor(moves: ProjectMove[]): Promise<string | null>;
}

export const ALLOW_ALL_MOVES: RenameGuard = { refusalFor: async () => null };
