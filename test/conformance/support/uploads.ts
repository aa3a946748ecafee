import type { ConformanceWorld } from './conformance-world';
import { expectStatus } from './oci-assertions';
import type { RegistryResponse } from './registry-client';

/** Steps of a blob upload as the tests of pushing take them, each returning the registry's answer. */
export interface Uploads {
  /** `POST /v2/<repository>/blobs/uploads/`, expected to open an upload; returns its Location. */
  start(repository: string, token: string): Promise<string>;
  /** `PATCH <location>` with `chunk`, and `Content-Range: <range>` when given. */
  patch(location: string, token: string, chunk: Buffer, range?: string): Promise<RegistryResponse>;
  /** `PUT <location>?digest=<digest>`, with a last chunk (and its `Content-Range`) when given. */
  finish(
    location: string,
    token: string,
    digest: string | undefined,
    chunk?: Buffer,
    range?: string,
  ): Promise<RegistryResponse>;
  /** `HEAD /v2/<repository>/blobs/<digest>`'s status. */
  blobStatus(repository: string, token: string, digest: string): Promise<number>;
}

const OCTET_STREAM = { 'content-type': 'application/octet-stream' };

export function uploadsOf(world: ConformanceWorld): Uploads {
  const { registry } = world;
  return {
    async start(repository, token) {
      const response = await registry.send('POST', `/v2/${repository}/blobs/uploads/`, { token });
      expectStatus(response, 202);
      const location = response.headers.get('location');
      expect(location).toEqual(expect.any(String));
      return location!;
    },
    patch(location, token, chunk, range) {
      return registry.send('PATCH', location, {
        token,
        headers: { ...OCTET_STREAM, ...(range === undefined ? {} : { 'content-range': range }) },
        body: chunk,
      });
    },
    finish(location, token, digest, chunk, range) {
      const headers = { ...OCTET_STREAM, ...(range === undefined ? {} : { 'content-range': range }) };
      return registry.send('PUT', digest === undefined ? location : registry.url(location, { digest }), {
        token,
        ...(chunk === undefined ? {} : { headers, body: chunk }),
      });
    },
    async blobStatus(repository, token, digest) {
      return (await registry.send('HEAD', `/v2/${repository}/blobs/${digest}`, { token })).status;
    },
  };
}
