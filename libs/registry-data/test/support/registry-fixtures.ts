import { createHash, randomUUID } from 'node:crypto';
import {
  ensureRepository,
  linkBlob,
  saveManifest,
  type Manifest,
  type PrismaClient,
  type Repository,
} from '../../src';

/**
 * Builders that seed repositories, tags and manifests through the registry-data functions, with
 * made-up digests: what the API and the cleanup jobs read is metadata, so no bytes are stored.
 */

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** A digest no other call returns. */
export function fakeDigest(): string {
  return `sha256:${createHash('sha256').update(randomUUID()).digest('hex')}`;
}

export function createRepository(prisma: PrismaClient, path: string, projectId: number): Promise<Repository> {
  return ensureRepository(prisma, path, projectId);
}

export interface PushOptions {
  /** Layer sizes; each layer gets a new digest unless `sharedLayers` gives existing ones. */
  layerSizes?: number[];
  sharedLayers?: { digest: string; size: number }[];
  configSize?: number;
  /** When the tag was created and last moved (both default to now). */
  createdAt?: Date;
  updatedAt?: Date;
}

export interface PushedImage {
  manifest: Manifest;
  configDigest: string;
  layers: { digest: string; size: number }[];
}

/** Links a config and layers to the repository and tags a manifest of them. */
export async function pushImage(
  prisma: PrismaClient,
  repository: Repository,
  tag: string,
  options: PushOptions = {},
): Promise<PushedImage> {
  const config = { digest: fakeDigest(), size: options.configSize ?? 100 };
  const layers = [
    ...(options.sharedLayers ?? []),
    ...(options.layerSizes ?? [1000]).map((size) => ({ digest: fakeDigest(), size })),
  ];
  for (const blob of [config, ...layers]) await linkBlob(prisma, repository.id, blob.digest, blob.size);
  const payload = Buffer.from(JSON.stringify({ schemaVersion: 2, tag, id: randomUUID() }));
  const manifest = await saveManifest(
    prisma,
    repository,
    {
      digest: fakeDigest(),
      mediaType: OCI_MANIFEST,
      payload,
      artifactType: OCI_CONFIG,
      subjectDigest: null,
      configDigest: config.digest,
      annotations: null,
      blobs: [
        { digest: config.digest, size: config.size, mediaType: OCI_CONFIG },
        ...layers.map((layer) => ({ ...layer, mediaType: OCI_LAYER })),
      ],
      childDigests: [],
    },
    tag,
  );
  if (options.createdAt || options.updatedAt) {
    await prisma.tag.update({
      where: { repositoryId_name: { repositoryId: repository.id, name: tag } },
      data: {
        ...(options.createdAt ? { createdAt: options.createdAt } : {}),
        updatedAt: options.updatedAt ?? options.createdAt,
      },
    });
  }
  return { manifest, configDigest: config.digest, layers };
}

export interface IndexEntryOptions {
  image: PushedImage;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

/** Tags an OCI image index of images already pushed to the repository, as `docker buildx` pushes one. */
export async function pushIndex(
  prisma: PrismaClient,
  repository: Repository,
  tag: string,
  entries: IndexEntryOptions[],
): Promise<Manifest> {
  const payload = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: entries.map(({ image, platform, annotations }) => ({
        mediaType: OCI_MANIFEST,
        digest: image.manifest.digest,
        size: image.manifest.payload.length,
        ...(platform ? { platform } : {}),
        ...(annotations ? { annotations } : {}),
      })),
    }),
  );
  return saveManifest(
    prisma,
    repository,
    {
      digest: fakeDigest(),
      mediaType: OCI_INDEX,
      payload,
      artifactType: null,
      subjectDigest: null,
      configDigest: null,
      annotations: null,
      blobs: [],
      childDigests: entries.map((entry) => entry.image.manifest.digest),
    },
    tag,
  );
}

/** Tag names of the repository, in name order. */
export async function tagNames(prisma: PrismaClient, repositoryId: bigint): Promise<string[]> {
  const tags = await prisma.tag.findMany({ where: { repositoryId }, orderBy: { name: 'asc' } });
  return tags.map((tag) => tag.name);
}

/** Payloads of the outbox events of one type, oldest first. */
export async function outboxPayloads(prisma: PrismaClient, type: string): Promise<Record<string, unknown>[]> {
  const events = await prisma.outboxEvent.findMany({ where: { type }, orderBy: { seq: 'asc' } });
  return events.map((event) => event.payload as Record<string, unknown>);
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A moment `amount` hours or days before now. */
export const hoursAgo = (amount: number): Date => new Date(Date.now() - amount * HOUR);
export const daysAgo = (amount: number): Date => new Date(Date.now() - amount * DAY);
