import { imageBlobsSize, indexEntries, indexPlatforms } from './manifest-contents';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe('manifest contents', () => {
  const index = json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { digest: digest(1), size: 10, platform: { os: 'linux', architecture: 'amd64' } },
      { digest: digest(2), size: 10, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      {
        digest: digest(3),
        size: 10,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
      },
      { digest: digest(4), size: 10 },
      { size: 10, platform: { os: 'linux', architecture: 's390x' } },
    ],
  });

  it('when an index has platform entries, then they are listed without attestations or unknown ones', () => {
    expect(indexPlatforms(index)).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    ]);
    expect(indexEntries(index).map((entry) => entry.digest)).toEqual([
      digest(1),
      digest(2),
      digest(3),
      digest(4),
    ]);
  });

  it('when the payload is an image manifest or not JSON, then it has no platforms', () => {
    expect(indexPlatforms(json({ schemaVersion: 2, config: { size: 1 }, layers: [] }))).toEqual([]);
    expect(indexPlatforms(Buffer.from('not json'))).toEqual([]);
  });

  it('when an image manifest names a config and layers, then its size is their sum', () => {
    const image = json({
      schemaVersion: 2,
      config: { size: 7 },
      layers: [{ size: 100 }, { size: 20 }, { size: 'x' }],
    });
    expect(imageBlobsSize(image)).toBe(127);
    expect(
      imageBlobsSize(
        json({ mediaType: 'application/vnd.oci.artifact.manifest.v1+json', blobs: [{ size: 5 }] }),
      ),
    ).toBe(5);
    expect(imageBlobsSize(index)).toBe(0);
    expect(imageBlobsSize(Buffer.from('{'))).toBe(0);
  });
});
