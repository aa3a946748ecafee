import { randomBytes } from 'node:crypto';
import type { RestApi } from './rest-api';

/** A random secret as an administrator would generate one. */
export const randomSecret = (): string => randomBytes(24).toString('base64url');

export type CredentialKind = 'personal access token' | 'deploy token' | 'job token' | 'password';

export interface Credential {
  username: string;
  secret: string;
  /** The REST call (DELETE) that revokes it; a password has none. */
  revokePath?: string;
}

export interface IdentityWorld {
  userId: number;
  username: string;
  groupPath: string;
  projectId: number;
  /** `<group>/<project>`, the project's container repository path. */
  projectPath: string;
  credentials: Map<CredentialKind, Credential>;
}

interface Created {
  id: number;
}
interface CreatedToken extends Created {
  token: string;
}

/**
 * What end-to-end tests log in with, created through the REST API as root, as an administrator
 * would: a user with a password, a private project in a group where the user is Developer, and
 * one of each token kind for that user and project.
 */
export async function createIdentityWorld(api: RestApi, name: string): Promise<IdentityWorld> {
  const password = randomSecret();
  const user = await api.request<Created & { username: string }>('POST', '/users', 201, {
    username: `${name}-user`,
    email: `${name}-user@example.com`,
    name: `${name} user`,
    password,
    skip_confirmation: true,
  });
  const group = await api.request<Created & { full_path: string }>('POST', '/groups', 201, {
    name,
    path: name,
    visibility: 'private',
  });
  const project = await api.request<Created & { path_with_namespace: string }>('POST', '/projects', 201, {
    name: 'app',
    path: 'app',
    namespace_id: group.id,
    visibility: 'private',
  });
  await api.request('POST', `/projects/${project.id}/members`, 201, {
    user_id: user.id,
    access_level: 30, // Developer
  });
  const pat = await api.request<CreatedToken>('POST', `/users/${user.id}/personal_access_tokens`, 201, {
    name: name,
    scopes: ['read_registry', 'write_registry'],
    expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
  });
  const deployToken = await api.request<CreatedToken & { username: string }>(
    'POST',
    `/projects/${project.id}/deploy_tokens`,
    201,
    { name, scopes: ['read_registry'] },
  );
  const jobToken = await api.request<CreatedToken>('POST', `/projects/${project.id}/job_tokens`, 201, {
    user_id: user.id,
  });

  const credentials = new Map<CredentialKind, Credential>([
    [
      'personal access token',
      { username: user.username, secret: pat.token, revokePath: `/personal_access_tokens/${pat.id}` },
    ],
    [
      'deploy token',
      {
        username: deployToken.username,
        secret: deployToken.token,
        revokePath: `/projects/${project.id}/deploy_tokens/${deployToken.id}`,
      },
    ],
    [
      'job token',
      {
        username: 'gitlab-ci-token',
        secret: jobToken.token,
        revokePath: `/projects/${project.id}/job_tokens/${jobToken.id}`,
      },
    ],
    ['password', { username: user.username, secret: password }],
  ]);
  return {
    userId: user.id,
    username: user.username,
    groupPath: group.full_path,
    projectId: project.id,
    projectPath: project.path_with_namespace,
    credentials,
  };
}

/** `Authorization: Basic` for a username and secret. */
export function basicAuth(username: string, secret: string): string {
  return `Basic ${Buffer.from(`${username}:${secret}`).toString('base64')}`;
}
