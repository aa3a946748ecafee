'use strict';
// Builds docker schema2 images in memory: each layer a tar.gz holding one file of random bytes,
// a config whose rootfs.diff_ids match the uncompressed tars (docker pull checks them), and
// the manifest; then pushes them with the same HTTP flow as the blob figures.
const { createHash, randomBytes } = require('node:crypto');
const zlib = require('node:zlib');
const { pushBlob, pushManifest } = require('./registry-client');

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';
const CONFIG_TYPE = 'application/vnd.docker.container.image.v1+json';
const LAYER_TYPE = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const TAR_BLOCK = 512;

const sha256 = (buffer) => `sha256:${createHash('sha256').update(buffer).digest('hex')}`;

/** A ustar archive with one regular file. */
function tarWithOneFile(fileName, content) {
  const header = Buffer.alloc(TAR_BLOCK);
  const field = (offset, length, value) => header.write(value, offset, length, 'ascii');
  const octal = (value, width) => value.toString(8).padStart(width - 1, '0') + '\0';
  field(0, 100, fileName);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(content.length, 12));
  field(136, 12, octal(0, 12));
  field(148, 8, ' '.repeat(8)); // the checksum is computed with its own field as spaces
  field(156, 1, '0');
  field(257, 8, 'ustar\u000000');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(148, 8, checksum.toString(8).padStart(6, '0') + '\0 ');
  const padding = Buffer.alloc((TAR_BLOCK - (content.length % TAR_BLOCK)) % TAR_BLOCK);
  return Buffer.concat([header, content, padding, Buffer.alloc(2 * TAR_BLOCK)]);
}

/** `layerCount` layers of `layerBytes` random bytes each: fresh content, so no engine has it cached. */
function buildImage(layerCount, layerBytes) {
  const layers = [];
  for (let i = 0; i < layerCount; i++) {
    const tar = tarWithOneFile(`layer-${i}.bin`, randomBytes(layerBytes));
    const blob = zlib.gzipSync(tar, { level: 1 });
    layers.push({ blob, digest: sha256(blob), diffId: sha256(tar) });
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    }),
  );
  const manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: { mediaType: CONFIG_TYPE, size: config.length, digest: sha256(config) },
    layers: layers.map((layer) => ({ mediaType: LAYER_TYPE, size: layer.blob.length, digest: layer.digest })),
  };
  return { blobs: [config, ...layers.map((layer) => layer.blob)], manifest };
}

/** Pushes every blob then the manifest under `tag`; resolves with the manifest digest. */
async function pushImage(target, authorization, image, tag) {
  for (const blob of image.blobs) {
    await pushBlob(target, authorization, { body: blob, size: blob.length, digest: sha256(blob) });
  }
  return pushManifest(target, authorization, tag, image.manifest);
}

module.exports = { buildImage, pushImage, MANIFEST_TYPE };
