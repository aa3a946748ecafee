import { execFileSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { buildTestImage, describeWithDockerRegistry, sha256Digest, startDockerRegistry } from '../src';

describe('buildTestImage', () => {
  it('when an image is built, then its layer is a tar of the files and the config names its diff_id', () => {
    const image = buildTestImage({ 'a.txt': 'A\n', 'dir-b.txt': 'B\n' });
    const tar = gunzipSync(image.layers[0]!);

    const listing = execFileSync('tar', ['-tvf', '-'], { input: tar }).toString();

    expect(listing).toMatch(/a\.txt/);
    expect(listing).toMatch(/dir-b\.txt/);
    expect(JSON.parse(image.config.toString()).rootfs.diff_ids).toEqual([sha256Digest(tar)]);
    expect(buildTestImage({ 'a.txt': 'A\n', 'dir-b.txt': 'B\n' }).digest).toBe(image.digest);
  });
});

describeWithDockerRegistry('startDockerRegistry', () => {
  it('when an image is pushed and pulled, then the requests are counted by method and path', async () => {
    const registry = await startDockerRegistry();
    try {
      const image = buildTestImage();
      await registry.pushImage('team/app', 'v1', image);
      await registry.clearRequests();

      const head = await fetch(`${registry.url}/v2/team/app/manifests/v1`, {
        method: 'HEAD',
        headers: { accept: image.mediaType },
      });
      const get = await fetch(`${registry.url}/v2/team/app/manifests/${image.digest}`, {
        headers: { accept: image.mediaType },
      });

      expect(head.headers.get('docker-content-digest')).toBe(image.digest);
      expect(Buffer.from(await get.arrayBuffer()).equals(image.manifest)).toBe(true);
      expect(await registry.countRequests('HEAD', '/v2/team/app/manifests/v1')).toBe(1);
      expect(await registry.countRequests('GET', /^\/v2\/team\/app\/manifests\//)).toBe(1);
      expect((await registry.requests()).map((r) => `${r.method} ${r.status}`)).toEqual([
        'HEAD 200',
        'GET 200',
      ]);
    } finally {
      await registry.stop();
    }
  });

  it('when the registry is paused, then it refuses connections until resumed, keeping its content', async () => {
    const registry = await startDockerRegistry();
    try {
      const image = buildTestImage();
      await registry.pushImage('app', 'v1', image);

      await registry.pause();
      await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
      await registry.resume();

      const response = await fetch(`${registry.url}/v2/app/manifests/v1`, {
        headers: { accept: image.mediaType },
      });
      expect(response.headers.get('docker-content-digest')).toBe(image.digest);
    } finally {
      await registry.stop();
    }
  });
});
