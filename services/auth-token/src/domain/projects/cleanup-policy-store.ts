/**
 * Projects' container cleanup policies, which live with the registry's data (ADR 0007):
 * auth-token reads and writes them through the registry's internal API, as GitLab's
 * `container_expiration_policy` JSON, and passes the registry's refusals on as they are.
 */

/** GitLab's `container_expiration_policy` object of a project. */
export type CleanupPolicyJson = Record<string, unknown>;

export type CleanupPolicyWrite =
  | { ok: true; policy: CleanupPolicyJson }
  /** The registry refused an attribute: GitLab's 400 body, naming the field. */
  | { ok: false; refusal: { message: Record<string, string[]> } | { error: string } };

export interface CleanupPolicyStore {
  /** The project's policy (GitLab's defaults when none was saved). */
  read(projectId: number): Promise<CleanupPolicyJson>;
  /**
   * Applies `container_expiration_policy_attributes` to the project's policy: checks every
   * field and, unless `dryRun`, saves it (next_run_at becomes now + cadence).
   */
  write(projectId: number, attributes: unknown, options: { dryRun: boolean }): Promise<CleanupPolicyWrite>;
}
