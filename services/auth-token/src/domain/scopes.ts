/** Scopes a personal access token may carry. */
export const PERSONAL_ACCESS_TOKEN_SCOPES = [
  'api',
  'read_api',
  'read_user',
  'read_registry',
  'write_registry',
] as const;
export type PersonalAccessTokenScope = (typeof PERSONAL_ACCESS_TOKEN_SCOPES)[number];

/** Scopes a deploy token may carry. */
export const DEPLOY_TOKEN_SCOPES = [
  'read_registry',
  'write_registry',
  'read_package_registry',
  'write_package_registry',
] as const;
export type DeployTokenScope = (typeof DEPLOY_TOKEN_SCOPES)[number];

export function isPersonalAccessTokenScope(value: unknown): value is PersonalAccessTokenScope {
  return (PERSONAL_ACCESS_TOKEN_SCOPES as readonly unknown[]).includes(value);
}

export function isDeployTokenScope(value: unknown): value is DeployTokenScope {
  return (DEPLOY_TOKEN_SCOPES as readonly unknown[]).includes(value);
}
