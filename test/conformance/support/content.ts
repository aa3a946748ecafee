import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** What tests push: blobs and manifests, each as the exact bytes sent and their digest. */

export const MEDIA_TYPE = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  artifactManifest: 'application/vnd.oci.artifact.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export interface Content {
  bytes: Buffer;
  /** `sha256:<hex>` of `bytes`. */
  digest: string;
  size: number;
  /** What a descriptor of it says it is. */
  mediaType: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

export const sha256 = (bytes: Buffer | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The spec's other registered algorithm, which clients may use instead. */
export const sha512 = (bytes: Buffer | string): string =>
  `sha512:${createHash('sha512').update(bytes).digest('hex')}`;

export function contentOf(bytes: Buffer, mediaType: string): Content {
  return { bytes, digest: sha256(bytes), size: bytes.length, mediaType };
}

/**
 * JSON as a client might write it, indented with three spaces: no server would produce these
 * bytes by re-serialising, so reading them back proves the registry stored what it was given.
 */
export const serialize = (json: unknown): Buffer => Buffer.from(JSON.stringify(json, null, 3));

/** Random bytes standing for a layer: every call is a blob no other test has pushed. */
export function randomLayer(size = 2048, mediaType: string = MEDIA_TYPE.ociLayer): Content {
  return contentOf(randomBytes(size), mediaType);
}

/** An image config, unique per call (a random label), so its digest is new too. */
export function imageConfig(mediaType: string = MEDIA_TYPE.ociConfig): Content {
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'test.conformance.id': randomUUID() } },
    rootfs: { type: 'layers', diff_ids: [] },
  };
  return contentOf(serialize(config), mediaType);
}

/** The OCI empty descriptor's blob, `{}`, which artifacts without a config use. */
export const emptyConfig = (): Content => contentOf(Buffer.from('{}'), MEDIA_TYPE.ociEmpty);

export function descriptor(content: Content, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: content.mediaType, digest: content.digest, size: content.size, ...extra };
}

export interface Manifest extends Content {
  json: Record<string, unknown>;
}

function manifestOf(json: Record<string, unknown>, mediaType: string): Manifest {
  return { ...contentOf(serialize(json), mediaType), json };
}

const optional = (key: string, value: unknown) => (value === undefined ? {} : { [key]: value });

export interface ImageManifestOptions {
  config: Content;
  layers: Content[];
  /** OCI (default) or Docker's schema 2. */
  format?: 'oci' | 'docker';
  subject?: Content;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export function imageManifest(options: ImageManifestOptions): Manifest {
  const mediaType = options.format === 'docker' ? MEDIA_TYPE.dockerManifest : MEDIA_TYPE.ociManifest;
  return manifestOf(
    {
      schemaVersion: 2,
      mediaType,
      ...optional('artifactType', options.artifactType),
      config: descriptor(options.config),
      layers: options.layers.map((layer) => descriptor(layer)),
      ...optional('subject', options.subject && descriptor(options.subject)),
      ...optional('annotations', options.annotations),
    },
    mediaType,
  );
}

export interface IndexOptions {
  manifests: Content[];
  /** An OCI index (default) or Docker's manifest list. */
  format?: 'oci' | 'docker';
  subject?: Content;
  artifactType?: string;
  annotations?: Record<string, string>;
}

const ARCHITECTURES = ['amd64', 'arm64', 's390x', 'ppc64le', 'riscv64'];

export function imageIndex(options: IndexOptions): Manifest {
  const mediaType = options.format === 'docker' ? MEDIA_TYPE.dockerManifestList : MEDIA_TYPE.ociIndex;
  return manifestOf(
    {
      schemaVersion: 2,
      mediaType,
      ...optional('artifactType', options.artifactType),
      manifests: options.manifests.map((child, index) =>
        descriptor(child, {
          platform: { architecture: ARCHITECTURES[index % ARCHITECTURES.length]!, os: 'linux' },
        }),
      ),
      ...optional('subject', options.subject && descriptor(options.subject)),
      ...optional('annotations', options.annotations),
    },
    mediaType,
  );
}

export interface ArtifactManifestOptions {
  artifactType: string;
  blobs: Content[];
  subject?: Content;
  annotations?: Record<string, string>;
}

/** The OCI artifact manifest (image-spec 1.1 release candidates), which some tools still push. */
export function artifactManifest(options: ArtifactManifestOptions): Manifest {
  return manifestOf(
    {
      mediaType: MEDIA_TYPE.artifactManifest,
      artifactType: options.artifactType,
      blobs: options.blobs.map((blob) => descriptor(blob)),
      ...optional('subject', options.subject && descriptor(options.subject)),
      ...optional('annotations', options.annotations),
    },
    MEDIA_TYPE.artifactManifest,
  );
}

/** A raw manifest body under a Content-Type of the caller's choosing, for validation failures. */
export function rawManifest(bytes: Buffer | string, mediaType: string): Content {
  return contentOf(Buffer.from(bytes), mediaType);
}

export interface Image {
  config: Content;
  layers: Content[];
  manifest: Manifest;
}

/** A fresh image: its own config and `layerCount` random layers. */
export function buildImage(
  options: { format?: 'oci' | 'docker'; layerCount?: number } & Partial<
    Pick<ImageManifestOptions, 'subject' | 'artifactType' | 'annotations'>
  > = {},
): Image {
  const docker = options.format === 'docker';
  const config = imageConfig(docker ? MEDIA_TYPE.dockerConfig : MEDIA_TYPE.ociConfig);
  const layers = Array.from({ length: options.layerCount ?? 2 }, () =>
    randomLayer(2048, docker ? MEDIA_TYPE.dockerLayer : MEDIA_TYPE.ociLayer),
  );
  return { config, layers, manifest: imageManifest({ ...options, config, layers }) };
}
