import {
  cacheManifest,
  findCachedManifest,
  findCachedManifestByDigest,
  touchCachedManifest,
  type CachedManifest,
  type ProxyDb,
} from '@stowage/dependency-proxy-data';
import { DependencyUnavailableError, unavailableCause } from '@stowage/errors';
import type { ManifestReference } from '@stowage/oci';
import type { Logger } from '@stowage/logging';
import type { FetchedManifest, ManifestHead } from '../ports/upstream-registry';
import { SingleFlight } from './single-flight';
import type { UpstreamTarget } from './upstream-targets';

/** How a manifest was served: from the cache as is, fetched now, or from the cache because the upstream failed. */
export type CacheOutcome = 'hit' | 'miss' | 'stale';

export interface ServedManifest {
  digest: string;
  mediaType: string;
  payload: Buffer;
  cache: CacheOutcome;
}

export interface ManifestRequest {
  groupId: number;
  /** The image as the client named it (the cache's key). */
  image: string;
  reference: ManifestReference;
  /** Where to look, in order. */
  targets: UpstreamTarget[];
}

function served(entry: CachedManifest, cache: CacheOutcome): ServedManifest {
  return { digest: entry.digest, mediaType: entry.mediaType, payload: Buffer.from(entry.payload), cache };
}

/** No upstream has it, and at least one could not be asked: the caller answers 503, not 404. */
class UpstreamsFailed extends Error {
  constructor(readonly failure: unknown) {
    super('no upstream could answer', { cause: failure });
  }
}

/** What the client is told when no upstream could answer: unavailable, whatever went wrong there. */
export function asUpstreamOutage(upstream: string, error: unknown): DependencyUnavailableError {
  if (error instanceof DependencyUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DependencyUnavailableError(`upstream ${upstream}`, message, { cause: error });
}

/**
 * Manifests through the cache. By tag: one upstream HEAD says whether the tag still points at
 * the cached digest (Docker Hub does not count HEADs against its pull limit); only a moved tag
 * costs a GET, and an upstream that fails leaves the cached manifest in service ("stale"). By
 * digest: the cache first, the upstream only on a miss (a digest's content never changes).
 * Concurrent requests for the same manifest share one upstream exchange.
 */
export class ManifestCache {
  private readonly flights = new SingleFlight<ServedManifest | null>();

  constructor(private readonly deps: { db: ProxyDb; logger: Logger }) {}

  /** The manifest, or null when no upstream has it. */
  resolve(request: ManifestRequest): Promise<ServedManifest | null> {
    const reference = 'tag' in request.reference ? request.reference.tag : request.reference.digest;
    const key = JSON.stringify([request.groupId, request.image, reference]);
    return this.flights.run(key, () =>
      'tag' in request.reference
        ? this.byTag(request, request.reference.tag)
        : this.byDigest(request, request.reference.digest),
    ).result;
  }

  private async byDigest(request: ManifestRequest, digest: string): Promise<ServedManifest | null> {
    const { db } = this.deps;
    const cached = await findCachedManifestByDigest(db, request.groupId, request.image, digest);
    if (cached) {
      await touchCachedManifest(db, cached);
      return served(cached, 'hit');
    }
    try {
      const fetched = await this.fetch(request.targets, digest);
      return fetched && this.store(request, digest, fetched);
    } catch (error) {
      throw error instanceof UpstreamsFailed ? error.failure : error;
    }
  }

  private async byTag(request: ManifestRequest, tag: string): Promise<ServedManifest | null> {
    const { db } = this.deps;
    const cached = await findCachedManifest(db, request.groupId, request.image, tag);
    const origin = cached && request.targets.find((target) => target.upstream.name === cached.upstream);
    if (!cached || !origin) return this.fetchTag(request, tag, cached);

    let head: ManifestHead | null | 'unusable';
    try {
      head = await origin.upstream.headManifest(origin.image, tag);
    } catch (error) {
      if (unavailableCause(error)) return this.stale(request, tag, cached, error);
      // The HEAD said nothing usable (no Docker-Content-Digest, say): a GET has to tell.
      head = 'unusable';
    }
    if (head !== null && head !== 'unusable' && head.digest === cached.digest) {
      await touchCachedManifest(db, cached);
      return served(cached, 'hit');
    }
    if (head !== null) {
      // Fetch what the HEAD named, so that a second move in between cannot mix the two.
      const reference = head === 'unusable' ? tag : head.digest;
      try {
        const fetched = await this.fetch([origin], reference);
        if (fetched) return this.store(request, tag, { ...fetched, upstream: origin.upstream.name });
      } catch (error) {
        return this.stale(request, tag, cached, error instanceof UpstreamsFailed ? error.failure : error);
      }
    }
    // Gone from the upstream it came from: another may have it now.
    return this.fetchTag(request, tag, cached);
  }

  private async fetchTag(
    request: ManifestRequest,
    tag: string,
    cached: CachedManifest | null,
  ): Promise<ServedManifest | null> {
    try {
      const fetched = await this.fetch(request.targets, tag);
      return fetched && this.store(request, tag, fetched);
    } catch (error) {
      if (cached && error instanceof UpstreamsFailed) return this.stale(request, tag, cached, error.failure);
      throw error instanceof UpstreamsFailed ? error.failure : error;
    }
  }

  /** Asks each target in order; a 404 moves on to the next, and so does a failure. */
  private async fetch(
    targets: UpstreamTarget[],
    reference: string,
  ): Promise<(FetchedManifest & { upstream: string }) | null> {
    let failure: unknown;
    for (const target of targets) {
      try {
        const fetched = await target.upstream.getManifest(target.image, reference);
        if (fetched) return { ...fetched, upstream: target.upstream.name };
      } catch (error) {
        failure ??= asUpstreamOutage(target.upstream.name, error);
      }
    }
    if (failure !== undefined) throw new UpstreamsFailed(failure);
    return null;
  }

  private async store(
    request: ManifestRequest,
    reference: string,
    fetched: FetchedManifest & { upstream: string },
  ): Promise<ServedManifest> {
    await cacheManifest(this.deps.db, {
      groupId: request.groupId,
      image: request.image,
      reference,
      digest: fetched.digest,
      mediaType: fetched.mediaType,
      payload: fetched.payload,
      upstream: fetched.upstream,
    });
    return { digest: fetched.digest, mediaType: fetched.mediaType, payload: fetched.payload, cache: 'miss' };
  }

  private async stale(
    request: ManifestRequest,
    tag: string,
    cached: CachedManifest,
    error: unknown,
  ): Promise<ServedManifest> {
    this.deps.logger.warn('upstream failed; serving the cached manifest', {
      groupId: request.groupId,
      image: request.image,
      tag,
      upstream: cached.upstream,
      error,
    });
    await touchCachedManifest(this.deps.db, cached);
    return served(cached, 'stale');
  }
}
