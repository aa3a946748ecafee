/**
 * The wire format of auth-token's internal `POST /internal/v1/authorize`, field for field (snake
 * case included), so what a service sends and reads is exactly what the endpoint documents.
 */

/** How the caller presented itself, as taken from the request (see credentialsFromRequest). */
export type IdentityCredentials =
  /** `Authorization: Basic`: a password, or any token given as the password. */
  | { kind: 'basic'; username: string; password: string }
  /** `Authorization: Bearer`. */
  | { kind: 'bearer'; token: string }
  /** `Private-Token` header or `private_token` parameter. */
  | { kind: 'private_token'; token: string }
  /** `Deploy-Token` header. */
  | { kind: 'deploy_token'; token: string }
  /** `Job-Token` header or `job_token` parameter. */
  | { kind: 'job_token'; token: string }
  /**
   * The browser's `_stowage_session` cookie, only when no token header came along. An unknown,
   * expired or revoked session answers as anonymous, never 401 (ADR 0013).
   */
  | { kind: 'session'; token: string };

/** A project or group by id, or by full path (`group/sub/project`). */
export type TargetRef = number | string;

export interface AuthorizeRequest {
  /** null: anonymous. */
  credentials: IdentityCredentials | null;
  /** The client's address, which auth-token throttles failed sign-ins by. */
  client_ip?: string;
  project?: TargetRef | null;
  group?: TargetRef | null;
  /**
   * What the caller wants to do. On a project: `read_container_image`, `create_container_image`,
   * `destroy_container_image`, `read_package`, `create_package`, `destroy_package`,
   * `admin_package` (manage protection rules and the cleanup policy: Maintainer+). On a group:
   * `read_dependency_proxy`, `admin_dependency_proxy`, `admin_package` (namespace package
   * settings: Owner). `admin_package` is decided on the project when `project` is given, else
   * on the group. An ability asked of a target that is absent is not granted.
   */
  abilities: string[];
}

/** GitLab's role numbers: 0 none, 10 Guest, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner. */
export type AccessLevel = number;

/** The CI pipeline a job token's job runs in, as the CI system gave it when it asked for the token. */
export interface JobPipeline {
  id: number;
  ref: string | null;
  sha: string | null;
}

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; user_id: number; username: string; admin: boolean; credential: string }
  | { kind: 'deploy_token'; deploy_token_id: number; username: string; credential: string }
  | {
      kind: 'job_token';
      user_id: number;
      username: string;
      project_id: number;
      credential: string;
      /** null when the job token was created without a pipeline (or by an older auth-token). */
      pipeline: JobPipeline | null;
    };

export interface AuthorizeResponse {
  principal: Principal;
  /** null: the project does not exist or the principal may not see it (do not tell them apart). */
  project: {
    id: number;
    full_path: string;
    visibility: string;
    /**
     * The principal's role on the project, for rules GitLab states in roles (package protection
     * rules). 0 for anonymous clients, deploy tokens and non-members; instance admins count as
     * Owner (50); a job token has its user's role on its own project and 0 elsewhere. Token
     * scopes do not lower it: `granted` says what the credentials may do.
     */
    access_level: AccessLevel;
  } | null;
  /** null as for project. `visibility` tells the dependency proxy whether anonymous pulls may be allowed. */
  group: { id: number; full_path: string; visibility: string } | null;
  /** The requested abilities that were granted. */
  granted: string[];
}
