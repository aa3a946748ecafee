'use strict';
// What both Stowage targets (standalone and distributed) do through the gateway once it is ready:
// create the group and project that own the benchmark's repository, and fetch registry tokens.

async function restCall(base, rootToken, method, route, body) {
  const response = await fetch(`${base}/api/v4${route}`, {
    method,
    headers: { 'private-token': rootToken, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** A registry token for push and pull on `repository`; they live 300 s, so fetch one per figure. */
async function registryToken(base, rootToken, repository) {
  const scope = `repository:${repository}:pull,push`;
  const url = `${base}/jwt/auth?service=container_registry&scope=${encodeURIComponent(scope)}`;
  const basic = Buffer.from(`root:${rootToken}`).toString('base64');
  const response = await fetch(url, { headers: { authorization: `Basic ${basic}` } });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /jwt/auth: ${response.status} ${text}`);
  const { token } = JSON.parse(text);
  if (!token) throw new Error(`GET /jwt/auth answered no token: ${text}`);
  return token;
}

/** Creates the group and project that own `<group>/<project>/<image>`; returns that repository. */
async function createRepositoryOwners(base, rootToken, { group, project, image }) {
  const created = await restCall(base, rootToken, 'POST', '/groups', {
    name: group,
    path: group,
    visibility: 'private',
  });
  await restCall(base, rootToken, 'POST', '/projects', {
    name: project,
    path: project,
    namespace_id: created.id,
  });
  return `${group}/${project}/${image}`;
}

/**
 * The target the figures use: `authorization()` fetches a fresh token (auth stays on, as for any
 * client), `docker login` uses the root token; `processes()` names the pids whose memory is read.
 */
function stowageTarget({ label, base, rootToken, repository, processes, stop }) {
  return {
    label,
    base,
    processes,
    repository,
    authorization: async () => `Bearer ${await registryToken(base, rootToken, repository)}`,
    dockerCredentials: { username: 'root', password: rootToken },
    stop,
  };
}

module.exports = { createRepositoryOwners, stowageTarget };
