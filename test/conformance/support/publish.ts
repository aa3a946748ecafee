import type { Content, Image } from './content';
import type { RegistryClient, RegistryResponse } from './registry-client';

/**
 * Pushing content a test needs before it acts (its "arrange" step). These use the spec's MUST
 * paths only (POST then PUT for blobs, PUT for manifests) and throw with the whole answer when a
 * step fails, so a broken set-up is told apart from the behaviour under test.
 */

function expectSetUpStatus(response: RegistryResponse, status: number, what: string): RegistryResponse {
  if (response.status !== status) {
    throw new Error(
      `set-up failed to ${what}: expected ${status}, got ${JSON.stringify(response.summary(), null, 2)}`,
    );
  }
  return response;
}

export async function pushBlob(
  registry: RegistryClient,
  token: string,
  repository: string,
  blob: Content,
): Promise<void> {
  const started = expectSetUpStatus(
    await registry.send('POST', `/v2/${repository}/blobs/uploads/`, { token }),
    202,
    `start an upload in ${repository}`,
  );
  const location = started.headers.get('location');
  if (!location) throw new Error(`set-up: POST ${repository}/blobs/uploads/ answered no Location`);
  expectSetUpStatus(
    await registry.send('PUT', registry.url(location, { digest: blob.digest }), {
      token,
      headers: { 'content-type': 'application/octet-stream' },
      body: blob.bytes,
    }),
    201,
    `upload ${blob.digest} to ${repository}`,
  );
}

export async function pushBlobs(
  registry: RegistryClient,
  token: string,
  repository: string,
  ...blobs: Content[]
): Promise<void> {
  for (const blob of blobs) await pushBlob(registry, token, repository, blob);
}

/** PUT of `manifest` under `reference` (a tag, or its digest); returns the answer. */
export function putManifest(
  registry: RegistryClient,
  token: string,
  repository: string,
  reference: string,
  manifest: Content,
): Promise<RegistryResponse> {
  return registry.send('PUT', `/v2/${repository}/manifests/${reference}`, {
    token,
    headers: { 'content-type': manifest.mediaType },
    body: manifest.bytes,
  });
}

export async function pushManifest(
  registry: RegistryClient,
  token: string,
  repository: string,
  reference: string,
  manifest: Content,
): Promise<void> {
  expectSetUpStatus(
    await putManifest(registry, token, repository, reference, manifest),
    201,
    `push manifest ${manifest.digest} as ${repository}:${reference}`,
  );
}

/** Every blob of `image`, then its manifest under each of `references` (its digest when none). */
export async function pushImage(
  registry: RegistryClient,
  token: string,
  repository: string,
  image: Image,
  ...references: string[]
): Promise<void> {
  await pushBlobs(registry, token, repository, image.config, ...image.layers);
  for (const reference of references.length > 0 ? references : [image.manifest.digest]) {
    await pushManifest(registry, token, repository, reference, image.manifest);
  }
}
