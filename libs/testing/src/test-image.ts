import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** A small image that docker and skopeo can really pull and unpack: one gzipped tar layer. */
export interface TestImage {
  config: Buffer;
  /** Each layer's gzipped tar. */
  layers: Buffer[];
  manifest: Buffer;
  mediaType: string;
  /** The manifest's digest. */
  digest: string;
}

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export function sha256Digest(content: Buffer): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/**
 * Builds a Docker schema 2 image whose single layer holds `files` (name -> content). Real tar and
 * real diff_ids, because docker verifies the uncompressed layer against the config when it pulls.
 */
export function buildTestImage(
  files: Record<string, string | Buffer> = { 'hello.txt': 'hello\n' },
): TestImage {
  const tar = tarOf(files);
  // mtime 0 in the gzip header too, so that the same files always make the same digests.
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/hello.txt'] },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, size: config.length, digest: sha256Digest(config) },
      layers: [{ mediaType: DOCKER_LAYER, size: layer.length, digest: sha256Digest(layer) }],
    }),
  );
  return { config, layers: [layer], manifest, mediaType: DOCKER_MANIFEST, digest: sha256Digest(manifest) };
}

/** A ustar archive of regular files (mode 0644, owner 0, mtime 0). */
function tarOf(files: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(files)) {
    const content = typeof value === 'string' ? Buffer.from(value) : value;
    parts.push(tarHeader(name, content.length), content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function tarHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar name too long: ${name}`);
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, text: string) => header.write(text, offset, length, 'ascii');
  header.write(name, 0, 100, 'utf8');
  field(100, 8, '0000644\0');
  field(108, 8, '0000000\0');
  field(116, 8, '0000000\0');
  field(124, 12, `${size.toString(8).padStart(11, '0')}\0`);
  field(136, 12, '00000000000\0');
  field(148, 8, '        ');
  field(156, 1, '0');
  field(257, 8, 'ustar\x0000');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return header;
}
