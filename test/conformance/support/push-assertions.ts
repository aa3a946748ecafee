import { sha256, type Content } from './content';
import type { ConformanceWorld } from './conformance-world';
import { expectApiVersionHeader, expectStatus, headersOf } from './oci-assertions';
import type { RegistryResponse } from './registry-client';

/** What the tests of pushing check about the registry's answers, on one world's registry. */
export interface PushAssertions {
  /** An answer about an open upload: `status`, its Location with the upload's id, and `Range`. */
  expectUploadAnswer(response: RegistryResponse, status: number, repository: string, range: string): void;
  /** A finished upload's answer: 201 with the blob's pullable Location and its digest. */
  expectBlobCreated(response: RegistryResponse, repository: string, digest: string): void;
  /** The repository serves exactly `bytes` under their sha256 digest. */
  expectStoredBlob(repository: string, token: string, bytes: Buffer): Promise<void>;
  /** A manifest PUT's answer: 201 with the manifest's Location by digest and its digest. */
  expectManifestCreated(response: RegistryResponse, repository: string, manifest: Content): void;
  /** `reference` serves exactly the manifest's bytes, with its media type and digest. */
  expectStoredManifest(
    repository: string,
    token: string,
    reference: string,
    manifest: Content,
  ): Promise<void>;
}

export function pushAssertions(world: ConformanceWorld): PushAssertions {
  const pathOf = (location: string | null) => new URL(location ?? '', world.registry.base).pathname;

  return {
    expectUploadAnswer(response, status, repository, range) {
      expectStatus(response, status);
      const uuid = response.headers.get('docker-upload-uuid');
      expect(uuid).toEqual(expect.stringMatching(/\S/));
      expect(pathOf(response.headers.get('location'))).toBe(`/v2/${repository}/blobs/uploads/${uuid}`);
      expect(response.headers.get('range')).toBe(range);
    },

    expectBlobCreated(response, repository, digest) {
      expectStatus(response, 201);
      expect(headersOf(response, 'location', 'docker-content-digest')).toEqual({
        location: expect.any(String),
        'docker-content-digest': digest,
      });
      expect(pathOf(response.headers.get('location'))).toBe(`/v2/${repository}/blobs/${digest}`);
    },

    async expectStoredBlob(repository, token, bytes) {
      const response = await world.registry.send('GET', `/v2/${repository}/blobs/${sha256(bytes)}`, {
        token,
      });
      expectStatus(response, 200);
      expect(response.body.equals(bytes)).toBe(true);
    },

    expectManifestCreated(response, repository, manifest) {
      expectStatus(response, 201);
      expect(headersOf(response, 'location', 'docker-content-digest')).toEqual({
        location: expect.any(String),
        'docker-content-digest': manifest.digest,
      });
      expect(pathOf(response.headers.get('location'))).toBe(`/v2/${repository}/manifests/${manifest.digest}`);
      expectApiVersionHeader(response);
    },

    async expectStoredManifest(repository, token, reference, manifest) {
      const response = await world.registry.send('GET', `/v2/${repository}/manifests/${reference}`, {
        token,
      });
      expectStatus(response, 200);
      expect(response.text()).toBe(manifest.bytes.toString());
      expect(headersOf(response, 'content-type', 'docker-content-digest')).toEqual({
        'content-type': manifest.mediaType,
        'docker-content-digest': manifest.digest,
      });
    },
  };
}
