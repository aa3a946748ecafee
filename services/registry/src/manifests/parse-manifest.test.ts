import { createHash } from 'node:crypto';
import { MEDIA_TYPES } from '@stowage/registry-data';
import { InvalidManifestError, parseManifest } from './parse-manifest';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('c'), size: 10 };
const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('1'), size: 100 };
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('parseManifest', () => {
  it('reads an OCI image manifest: digest of the exact bytes, config then layers, config type as artifact type', () => {
    const payload = bytes({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [layer] });
    const parsed = parseManifest(payload, MEDIA_TYPES.ociManifest);
    expect(parsed).toMatchObject({
      digest: sha256(payload),
      mediaType: MEDIA_TYPES.ociManifest,
      configDigest: config.digest,
      artifactType: config.mediaType,
      subjectDigest: null,
      childDigests: [],
    });
    expect(parsed.blobs.map((b) => b.digest)).toEqual([config.digest, layer.digest]);
  });

  it('takes the media type from Content-Type when the body has none', () => {
    const payload = bytes({ schemaVersion: 2, config, layers: [layer] });
    expect(parseManifest(payload, `${MEDIA_TYPES.dockerManifest}; charset=utf-8`).mediaType).toBe(
      MEDIA_TYPES.dockerManifest,
    );
  });

  it('reads an index: its children, no blobs', () => {
    const child = { mediaType: MEDIA_TYPES.ociManifest, digest: d('e'), size: 5 };
    const payload = bytes({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [child, child] });
    expect(parseManifest(payload, undefined)).toMatchObject({ childDigests: [child.digest], blobs: [] });
  });

  it('reads a subject and an explicit artifactType (a referrer)', () => {
    const payload = bytes({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType: 'application/vnd.example.sbom',
      config: { ...config, mediaType: 'application/vnd.oci.empty.v1+json' },
      layers: [],
      subject: { mediaType: MEDIA_TYPES.ociManifest, digest: d('f'), size: 1 },
      annotations: { 'org.example': 'x', ignored: 5 },
    });
    expect(parseManifest(payload, undefined)).toMatchObject({
      artifactType: 'application/vnd.example.sbom',
      subjectDigest: d('f'),
      annotations: { 'org.example': 'x' },
    });
  });

  it.each([
    ['not JSON', Buffer.from('{'), undefined, 'not valid JSON'],
    ['an array', bytes([1]), undefined, 'not a JSON object'],
    ['no media type at all', bytes({ schemaVersion: 2, config, layers: [] }), undefined, 'no media type'],
    ['schema 1', bytes({ schemaVersion: 1, name: 'x' }), MEDIA_TYPES.dockerManifest, 'schema 1'],
    ['an unknown type', bytes({ schemaVersion: 2 }), 'application/json', 'unsupported'],
    [
      'body and header disagree',
      bytes({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config, layers: [] }),
      MEDIA_TYPES.dockerManifest,
      'does not match',
    ],
    [
      'a bad layer digest',
      bytes({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config,
        layers: [{ ...layer, digest: 'x' }],
      }),
      undefined,
      'layers[0].digest',
    ],
    [
      'a negative size',
      bytes({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { ...config, size: -1 },
        layers: [],
      }),
      undefined,
      'config.size',
    ],
    [
      'an index without manifests',
      bytes({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex }),
      undefined,
      'manifests',
    ],
    [
      'schemaVersion 3',
      bytes({ schemaVersion: 3, mediaType: MEDIA_TYPES.ociManifest, config }),
      undefined,
      'schemaVersion',
    ],
  ])('refuses %s', (_name, payload, contentType, message) => {
    expect(() => parseManifest(payload, contentType)).toThrow(InvalidManifestError);
    expect(() => parseManifest(payload, contentType)).toThrow(message);
  });
});
