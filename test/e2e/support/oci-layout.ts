import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/**
 * Images made from random bytes in an OCI image layout directory, for pushing with skopeo
 * (`oci:<dir>:<tag>`): nothing is pulled from anywhere. Layers are gzipped tars, because skopeo
 * compresses uncompressed layers on their way to a registry, which would change the digests this
 * module reports; already compressed ones it copies byte for byte, manifests included.
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface Platform {
  architecture: string;
  os: string;
}

/** An image written into a layout: its manifest's descriptor and what the manifest names. */
export interface LayoutImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

/** The platform the local Docker engine pulls for (Node's `x64` is OCI's `amd64`). */
export function localPlatform(): Platform {
  const architecture = process.arch === 'x64' ? 'amd64' : process.arch;
  return { architecture, os: 'linux' };
}

/** A platform the local engine never picks, for an index's other child. */
export function otherPlatform(): Platform {
  return { architecture: localPlatform().architecture === 's390x' ? 'ppc64le' : 's390x', os: 'linux' };
}

const hex = (hash: Hash) => hash.digest('hex');
const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A ustar header for one regular file (the fields docker's and containerd's readers need). */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  const field = (value: string, offset: number, length: number) =>
    header.write(value.slice(0, length), offset, length, 'ascii');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  field(name, 0, 100);
  field(octal(0o644, 8), 100, 8);
  field(octal(0, 8), 108, 8);
  field(octal(0, 8), 116, 8);
  field(octal(size, 12), 124, 12);
  field(octal(0, 12), 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\u000000', 257, 8);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(`${octal(checksum, 7)}\u0000 `, 148, 8);
  return header;
}

/**
 * The bytes of a tar with one file of `fileBytes` random bytes, produced piece by piece, so a
 * layer of hundreds of megabytes never sits in memory.
 */
async function* randomTar(fileBytes: number, tarHash: Hash): AsyncGenerator<Buffer> {
  const emit = (chunk: Buffer) => {
    tarHash.update(chunk);
    return chunk;
  };
  yield emit(tarHeader('random.bin', fileBytes));
  const chunkBytes = 1024 * 1024;
  for (let done = 0; done < fileBytes; done += chunkBytes) {
    yield emit(randomBytes(Math.min(chunkBytes, fileBytes - done)));
  }
  const padding = (512 - (fileBytes % 512)) % 512;
  // The file's padding, then the two zero blocks that end an archive.
  yield emit(Buffer.alloc(padding + 1024));
}

export class OciLayout {
  private readonly tags: Descriptor[] = [];

  private constructor(readonly dir: string) {}

  static async create(dir: string): Promise<OciLayout> {
    await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    return new OciLayout(dir);
  }

  private blobPath(digest: string): string {
    return path.join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length));
  }

  private async writeBlob(mediaType: string, bytes: Buffer): Promise<Descriptor> {
    const digest = sha256(bytes);
    await writeFile(this.blobPath(digest), bytes);
    return { mediaType, digest, size: bytes.length };
  }

  /** A gzipped tar layer holding one file of `fileBytes` random bytes, and its diff id. */
  async addLayer(fileBytes: number): Promise<{ layer: Descriptor; diffId: string }> {
    const tarHash = createHash('sha256');
    const gzipHash = createHash('sha256');
    let size = 0;
    const temporary = path.join(this.dir, `layer-${randomBytes(6).toString('hex')}.partial`);
    const gzip = createGzip({ level: 1 });
    gzip.on('data', (chunk: Buffer) => {
      gzipHash.update(chunk);
      size += chunk.length;
    });
    await pipeline(randomTar(fileBytes, tarHash), gzip, createWriteStream(temporary));
    const digest = `sha256:${hex(gzipHash)}`;
    await rename(temporary, this.blobPath(digest));
    return { layer: { mediaType: OCI_LAYER_GZIP, digest, size }, diffId: `sha256:${hex(tarHash)}` };
  }

  /** An image of one random layer (`fileBytes` of content) for `platform`. */
  async addImage(fileBytes: number, platform: Platform = localPlatform()): Promise<LayoutImage> {
    const { layer, diffId } = await this.addLayer(fileBytes);
    const config = await this.writeBlob(
      OCI_CONFIG,
      Buffer.from(
        JSON.stringify({ ...platform, config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } }),
      ),
    );
    const manifest = await this.writeBlob(
      OCI_MANIFEST,
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] })),
    );
    return { manifest: { ...manifest, platform }, config, layers: [layer] };
  }

  /** An image index of `images` (each with its platform). */
  async addIndex(images: LayoutImage[]): Promise<Descriptor> {
    const manifests = images.map((image) => image.manifest);
    return this.writeBlob(
      OCI_INDEX,
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests })),
    );
  }

  /** Names `descriptor` `tag` in the layout's index.json, so skopeo finds it as `oci:<dir>:<tag>`. */
  async tag(tag: string, descriptor: Descriptor): Promise<void> {
    const { platform: _platform, ...plain } = descriptor;
    this.tags.push({ ...plain, annotations: { [REF_NAME]: tag } });
    await writeFile(
      path.join(this.dir, 'index.json'),
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: this.tags }),
    );
  }
}
