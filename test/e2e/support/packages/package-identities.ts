import { randomSecret, type Credential } from '../identity-world';
import type { RestApi } from '../rest-api';

/**
 * Who publishes and installs packages in the tests, created through the REST API as root: a
 * public group holding a public, an internal and a private project (plus a private one that
 * opens its packages to everyone, and one whose package registry is disabled); a member of the
 * group for each role, a signed-in outsider, personal access tokens `api` (everyone) and
 * `read_api` (the Developer), group deploy tokens with read_package_registry and
 * write_package_registry, and a job token of each project started by the Developer.
 */

export const ROLES = { guest: 10, reporter: 20, developer: 30, maintainer: 40 } as const;
export type Role = keyof typeof ROLES;
export type Visibility = 'public' | 'internal' | 'private';
export const VISIBILITIES: readonly Visibility[] = ['public', 'internal', 'private'];

export interface PackageProject {
  id: number;
  /** `<group>/<project>`. */
  path: string;
  visibility: Visibility;
}

export interface PackageIdentities {
  group: { id: number; path: string };
  projects: Record<Visibility, PackageProject>;
  /** A private project whose package registry is `public` ("allow anyone to pull"). */
  openPrivate: PackageProject;
  /** A public project whose package registry is `disabled`. */
  disabled: PackageProject;
  /** The members' PATs with scope `api` (username + token). */
  members: Record<Role, Credential>;
  /** The Developer's PAT with scope `read_api` only. */
  developerReadApi: Credential;
  /** A signed-in user who is a member of nothing (PAT `api`). */
  outsider: Credential;
  deployRead: Credential;
  deployWrite: Credential;
  /** A job token per project (the Developer's job; username `gitlab-ci-token`). */
  jobTokens: Map<number, Credential>;
}

interface Created {
  id: number;
}

const tomorrowAndMore = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

async function createUserWithToken(api: RestApi, username: string, scopes: string[]) {
  const user = await api.request<Created & { username: string }>('POST', '/users', 201, {
    username,
    email: `${username}@example.com`,
    name: username,
    password: randomSecret(),
    skip_confirmation: true,
  });
  const token = await api.request<{ token: string }>(
    'POST',
    `/users/${user.id}/personal_access_tokens`,
    201,
    {
      name: `${username}-${scopes.join('-')}`,
      scopes,
      expires_at: tomorrowAndMore(),
    },
  );
  return { id: user.id, credential: { username: user.username, secret: token.token } };
}

async function createProject(
  api: RestApi,
  groupId: number,
  path: string,
  visibility: Visibility,
  packageRegistryAccessLevel?: 'public' | 'disabled',
): Promise<PackageProject> {
  const project = await api.request<Created & { path_with_namespace: string }>('POST', '/projects', 201, {
    name: path,
    path,
    namespace_id: groupId,
    visibility,
    ...(packageRegistryAccessLevel ? { package_registry_access_level: packageRegistryAccessLevel } : {}),
  });
  return { id: project.id, path: project.path_with_namespace, visibility };
}

export async function createPackageIdentities(api: RestApi, name: string): Promise<PackageIdentities> {
  const group = await api.request<Created & { full_path: string }>('POST', '/groups', 201, {
    name,
    path: name,
    visibility: 'public',
  });
  const projects = {
    public: await createProject(api, group.id, 'public-app', 'public'),
    internal: await createProject(api, group.id, 'internal-app', 'internal'),
    private: await createProject(api, group.id, 'private-app', 'private'),
  };
  const openPrivate = await createProject(api, group.id, 'open-private-app', 'private', 'public');
  const disabled = await createProject(api, group.id, 'disabled-app', 'public', 'disabled');

  const members = {} as Record<Role, Credential>;
  let developerId = 0;
  for (const [role, level] of Object.entries(ROLES) as [Role, number][]) {
    const user = await createUserWithToken(api, `${name}-${role}`, ['api']);
    await api.request('POST', `/groups/${group.id}/members`, 201, { user_id: user.id, access_level: level });
    members[role] = user.credential;
    if (role === 'developer') developerId = user.id;
  }
  const developerReadApi = (
    await api.request<{ token: string }>('POST', `/users/${developerId}/personal_access_tokens`, 201, {
      name: `${name}-developer-read-api`,
      scopes: ['read_api'],
      expires_at: tomorrowAndMore(),
    })
  ).token;
  const outsider = await createUserWithToken(api, `${name}-outsider`, ['api']);

  const deployToken = async (scope: string): Promise<Credential> => {
    const token = await api.request<{ token: string; username: string }>(
      'POST',
      `/groups/${group.id}/deploy_tokens`,
      201,
      { name: `${name}-${scope}`, scopes: [scope] },
    );
    return { username: token.username, secret: token.token };
  };

  const jobTokens = new Map<number, Credential>();
  for (const project of [...Object.values(projects), openPrivate, disabled]) {
    const job = await api.request<{ token: string }>('POST', `/projects/${project.id}/job_tokens`, 201, {
      user_id: developerId,
    });
    jobTokens.set(project.id, { username: 'gitlab-ci-token', secret: job.token });
  }

  return {
    group: { id: group.id, path: group.full_path },
    projects,
    openPrivate,
    disabled,
    members,
    developerReadApi: { username: members.developer.username, secret: developerReadApi },
    outsider: outsider.credential,
    deployRead: await deployToken('read_package_registry'),
    deployWrite: await deployToken('write_package_registry'),
    jobTokens,
  };
}
