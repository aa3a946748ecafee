import { createHash, randomBytes } from 'node:crypto';
import { makeTempDir, removeDir, waitUntil } from './support/processes';
import { registryToken, v2Client, type V2Client } from './support/registry-http';
import { restApi, type RestApi } from './support/rest-api';
import {
  startStandalone,
  START_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  type StandaloneInstance,
} from './support/standalone';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Cleanup policies through the gateway in standalone mode: auth-token forwards the policy to the
 * registry, the registry previews and queues a run, the cleanup-worker (asking auth-token for
 * the limits) deletes the tags, and the token lifetime follows the application setting.
 */
describe('cleanup policies end to end (standalone)', () => {
  const rootToken = `glpat-${randomBytes(32).toString('base64url')}`;
  let dataDir: string;
  let instance: StandaloneInstance | undefined;
  let api: RestApi;
  let projectId: number;
  let repositoryPath: string;
  let v2: V2Client;

  /** Uploads a blob in one POST (monolithic upload). */
  async function pushBlob(bytes: Buffer): Promise<string> {
    const digest = sha256(bytes);
    const answer = await v2.send('POST', `/v2/${repositoryPath}/blobs/uploads/?digest=${digest}`, {
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    if (answer.status !== 201) throw new Error(`blob upload answered ${answer.status}: ${answer.body}`);
    return digest;
  }

  beforeAll(async () => {
    dataDir = await makeTempDir('e2e-policies');
    instance = await startStandalone({ DATA_DIR: dataDir, INITIAL_ROOT_TOKEN: rootToken });
    api = restApi(instance.base, rootToken);
    const group = await api.request<{ id: number }>('POST', '/groups', 201, { name: 'pol', path: 'pol' });
    const project = await api.request<{ id: number }>('POST', '/projects', 201, {
      name: 'app',
      path: 'app',
      namespace_id: group.id,
    });
    projectId = project.id;
    repositoryPath = 'pol/app/web';
    const token = await registryToken(
      instance.base,
      'root',
      rootToken,
      `repository:${repositoryPath}:pull,push`,
    );
    v2 = v2Client(instance.base, token);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux' }));
    const layer = randomBytes(64);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: await pushBlob(config),
          size: config.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: await pushBlob(layer),
            size: layer.length,
          },
        ],
      }),
    );
    for (const tag of ['latest', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8']) {
      const answer = await v2.send('PUT', `/v2/${repositoryPath}/manifests/${tag}`, {
        headers: { 'content-type': OCI_MANIFEST },
        body: manifest,
      });
      if (answer.status !== 201) throw new Error(`manifest PUT answered ${answer.status}: ${answer.body}`);
    }
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await instance?.process.stop();
    await removeDir(dataDir);
  }, STOP_TIMEOUT_MS);

  it('when a policy is set on the project, then it is read back; a bad pattern answers 400 naming it', async () => {
    const refused = await fetch(`${instance!.base}/api/v4/projects/${projectId}`, {
      method: 'PUT',
      headers: { 'private-token': rootToken, 'content-type': 'application/json' },
      body: JSON.stringify({ container_expiration_policy_attributes: { name_regex_keep: '(?!x)' } }),
    });
    expect(refused.status).toBe(400);
    expect(Object.keys(((await refused.json()) as { message: object }).message)).toEqual([
      'container_expiration_policy.name_regex_keep',
    ]);

    const project = await api.request<{ container_expiration_policy: Record<string, unknown> }>(
      'PUT',
      `/projects/${projectId}`,
      200,
      {
        container_expiration_policy_attributes: {
          enabled: true,
          name_regex_delete: 'v.*',
          keep_n: 5,
          older_than: null,
        },
      },
    );
    expect(project.container_expiration_policy).toMatchObject({
      enabled: true,
      name_regex: 'v.*',
      keep_n: 5,
    });
    const shown = await api.request<{ container_expiration_policy: unknown }>(
      'GET',
      `/projects/${projectId}`,
      200,
    );
    expect(shown.container_expiration_policy).toEqual(project.container_expiration_policy);
  });

  it('when the preview is asked for and a run is queued, then the worker deletes exactly the previewed tags', async () => {
    const preview = await api.request<{ path: string; tags_to_delete: string[] }[]>(
      'GET',
      `/projects/${projectId}/registry/cleanup_policy/preview`,
      200,
    );
    expect(preview).toEqual([
      expect.objectContaining({ path: repositoryPath, tags_to_delete: ['v1', 'v2', 'v3'] }),
    ]);

    await api.request('POST', `/projects/${projectId}/registry/cleanup_policy/run`, 202);
    const [repository] = await api.request<{ id: number }[]>(
      'GET',
      `/projects/${projectId}/registry/repositories`,
      200,
    );
    const names = await waitUntil(
      async () => {
        const tags = await api.request<{ name: string }[]>(
          'GET',
          `/projects/${projectId}/registry/repositories/${repository!.id}/tags`,
          200,
        );
        return tags.length === 6 ? tags.map((tag) => tag.name).sort() : undefined;
      },
      { timeoutMs: 30_000, description: 'the run to delete the tags' },
    );
    expect(names).toEqual(['latest', 'v4', 'v5', 'v6', 'v7', 'v8']);
    const shown = await api.request<Record<string, unknown>>(
      'GET',
      `/registry/repositories/${repository!.id}`,
      200,
    );
    expect(shown.cleanup_policy_started_at).toEqual(expect.any(String));
    expect(shown.expiration_policy_cleanup_status).toBe('cleanup_unscheduled');
  });

  it('when container_registry_token_expire_delay changes, then the next registry token lives that long', async () => {
    await api.request('PUT', '/application/settings', 200, { container_registry_token_expire_delay: 12 });
    const response = await fetch(`${instance!.base}/jwt/auth?service=container_registry`);
    expect(((await response.json()) as { expires_in: number }).expires_in).toBe(720);
  });
});
