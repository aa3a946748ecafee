import { randomSecret, type Credential } from '../identity-world';
import type { RestApi } from '../rest-api';

/**
 * Who pulls through the proxy in the tests, created through the REST API as root: a private
 * group with a Guest member, a project of its own (for a job token) and a group deploy token
 * that may only read the registry; a public group; and a signed-in user who is in neither.
 */
export interface ProxyIdentities {
  privateGroup: { id: number; path: string };
  publicGroup: { id: number; path: string };
  /** A Guest of the private group, with their password. */
  member: Credential;
  /** A group deploy token of the private group with `read_registry` only. */
  deployToken: Credential;
  /** A job token of a project in the private group, started by the member. */
  jobToken: Credential;
  /** A signed-in user who is a member of nothing. */
  outsider: Credential;
}

interface Created {
  id: number;
}

async function createUser(api: RestApi, username: string): Promise<Credential & { id: number }> {
  const password = randomSecret();
  const user = await api.request<Created & { username: string }>('POST', '/users', 201, {
    username,
    email: `${username}@example.com`,
    name: username,
    password,
    skip_confirmation: true,
  });
  return { id: user.id, username: user.username, secret: password };
}

async function createGroup(api: RestApi, path: string, visibility: 'private' | 'public') {
  const group = await api.request<Created & { full_path: string }>('POST', '/groups', 201, {
    name: path,
    path,
    visibility,
  });
  return { id: group.id, path: group.full_path };
}

export async function createProxyIdentities(api: RestApi, name: string): Promise<ProxyIdentities> {
  const member = await createUser(api, `${name}-member`);
  const outsider = await createUser(api, `${name}-outsider`);
  const privateGroup = await createGroup(api, `${name}-private`, 'private');
  const publicGroup = await createGroup(api, `${name}-public`, 'public');
  await api.request('POST', `/groups/${privateGroup.id}/members`, 201, {
    user_id: member.id,
    access_level: 10, // Guest: the least a member of a private group needs to pull
  });
  const project = await api.request<Created>('POST', '/projects', 201, {
    name: 'ci',
    path: 'ci',
    namespace_id: privateGroup.id,
    visibility: 'private',
  });
  // root (an admin) starts the job for the member, as a runner would for a pipeline they started.
  const jobToken = await api.request<{ token: string }>('POST', `/projects/${project.id}/job_tokens`, 201, {
    user_id: member.id,
  });
  const deployToken = await api.request<{ token: string; username: string }>(
    'POST',
    `/groups/${privateGroup.id}/deploy_tokens`,
    201,
    { name: `${name}-proxy`, scopes: ['read_registry'] },
  );
  return {
    privateGroup,
    publicGroup,
    member: { username: member.username, secret: member.secret },
    deployToken: { username: deployToken.username, secret: deployToken.token },
    jobToken: { username: 'gitlab-ci-token', secret: jobToken.token },
    outsider: { username: outsider.username, secret: outsider.secret },
  };
}
