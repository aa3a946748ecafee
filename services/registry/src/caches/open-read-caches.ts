import type { Infrastructure } from '@stowage/runtime';
import type { Logger } from '@stowage/logging';
import {
  findLinkedBlobByPath,
  findManifestByPath,
  findManifestIdentityByPath,
  openRegistryChanges,
} from '@stowage/registry-data';
import { BlobLinkCache } from './blob-link-cache';
import { ManifestCache } from './manifest-cache';

/** Sizes of each replica's manifest cache: a few thousand images' manifests in a few MB. */
const MANIFEST_CACHE_PAYLOAD_BYTES = 16 * 1024 * 1024;
const MANIFEST_CACHE_REFERENCES = 10_000;
/** About 200 bytes each: the layers of a few thousand images in a few MB. */
const BLOB_LINK_CACHE_LINKS = 20_000;

/** The replica's caches of what pulls read, kept current by the database's change notices. */
export async function openReadCaches(db: Infrastructure['db'], logger?: Logger) {
  const manifests = new ManifestCache(
    {
      find: (path, reference) => findManifestByPath(db, path, reference),
      identify: (path, reference) => findManifestIdentityByPath(db, path, reference),
    },
    { maxPayloadBytes: MANIFEST_CACHE_PAYLOAD_BYTES, maxReferences: MANIFEST_CACHE_REFERENCES },
  );
  const blobLinks = new BlobLinkCache((path, digest) => findLinkedBlobByPath(db, path, digest), {
    maxLinks: BLOB_LINK_CACHE_LINKS,
  });
  const changes = await openRegistryChanges(
    db,
    () => {
      manifests.forgetAll();
      blobLinks.forgetAll();
    },
    logger,
  );
  manifests.follow(changes);
  blobLinks.follow(changes);
  return { manifests, blobLinks, close: () => changes.close() };
}
