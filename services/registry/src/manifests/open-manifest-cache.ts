import type { Infrastructure } from '@stowage/runtime';
import type { Logger } from '@stowage/logging';
import { findManifestByPath, findManifestIdentityByPath, openRegistryChanges } from '@stowage/registry-data';
import { ManifestCache } from './manifest-cache';

/** Sizes of each replica's manifest cache: a few thousand images' manifests in a few MB. */
const MANIFEST_CACHE_PAYLOAD_BYTES = 16 * 1024 * 1024;
const MANIFEST_CACHE_REFERENCES = 10_000;

/** The replica's manifest cache, kept current by the database's change notices. */
export async function openManifestCache(db: Infrastructure['db'], logger?: Logger) {
  const cache = new ManifestCache(
    {
      find: (path, reference) => findManifestByPath(db, path, reference),
      identify: (path, reference) => findManifestIdentityByPath(db, path, reference),
    },
    { maxPayloadBytes: MANIFEST_CACHE_PAYLOAD_BYTES, maxReferences: MANIFEST_CACHE_REFERENCES },
  );
  const changes = await openRegistryChanges(db, () => cache.forgetAll(), logger);
  cache.follow(changes);
  return { cache, close: () => changes.close() };
}
