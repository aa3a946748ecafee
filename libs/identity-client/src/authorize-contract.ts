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
  | { kind: 'job_token'; token: string };

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
   * What the caller wants to do, e.g. `read_package`, `create_package`, `destroy_package` on a
   * project, or `read_dependency_proxy`, `admin_dependency_proxy` on a group.
   */
  abilities: string[];
}

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; user_id: number; username: string; admin: boolean; credential: string }
  | { kind: 'deploy_token'; deploy_token_id: number; username: string; credential: string }
  | { kind: 'job_token'; user_id: number; username: string; project_id: number; credential: string };

export interface AuthorizeResponse {
  principal: Principal;
  /** null: the project does not exist or the principal may not see it (do not tell them apart). */
  project: { id: number; full_path: string; visibility: string } | null;
  /** null as for project. `visibility` tells the dependency proxy whether anonymous pulls may be allowed. */
  group: { id: number; full_path: string; visibility: string } | null;
  /** The requested abilities that were granted. */
  granted: string[];
}
