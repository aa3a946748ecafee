import type { Infrastructure } from '@stowage/runtime';
import {
  announcesRegistryChanges,
  findManifestByPath,
  findManifestIdentityByPath,
  onRegistryChanges,
} from '@stowage/registry-data';
import { ManifestCache } from './manifest-cache';

/** Sizes of each replica's manifest cache: a few thousand images' manifests in a few MB. */
const MANIFEST_CACHE_PAYLOAD_BYTES = 16 * 1024 * 1024;
const MANIFEST_CACHE_REFERENCES = 10_000;

/** The replica's manifest cache, told of every committed change where the database can tell it. */
export async function openManifestCache(db: Infrastructure['db']) {
  const cache = new ManifestCache(
    {
      find: (path, reference) => findManifestByPath(db, path, reference),
      identify: (path, reference) => findManifestIdentityByPath(db, path, reference),
    },
    {
      changesAnnounced: announcesRegistryChanges(db),
      maxPayloadBytes: MANIFEST_CACHE_PAYLOAD_BYTES,
      maxReferences: MANIFEST_CACHE_REFERENCES,
    },
  );
  const changes = await onRegistryChanges(db, () => cache.forgetAll());
  return { cache, close: async () => changes?.close() };
}
