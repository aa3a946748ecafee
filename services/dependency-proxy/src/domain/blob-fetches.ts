import { createHash, randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { BlobStore } from '@stowage/blob-store';
import { fetchKey, proxyBlobKey, recordCachedBlob, type ProxyDb } from '@stowage/dependency-proxy-data';
import { parseDigest } from '@stowage/oci';
import type { FetchedBlob } from '../ports/upstream-registry';
import { asUpstreamOutage } from './manifest-cache';
import { teeStream } from './tee-stream';
import type { UpstreamTarget } from './upstream-targets';

/** No upstream has the blob. */
export class BlobNotUpstreamError extends Error {
  constructor(readonly digest: string) {
    super(`no upstream has ${digest}`);
    this.name = 'BlobNotUpstreamError';
  }
}

/** The upstream's bytes do not hash to the digest, or fall short of its length: nothing was stored. */
export class CorruptUpstreamBlobError extends Error {
  constructor(digest: string, detail: string) {
    super(`the upstream's content for ${digest} ${detail}`);
    this.name = 'CorruptUpstreamBlobError';
  }
}

/** One upstream download of a blob, shared by every request for it while it runs. */
export interface BlobFetch {
  /** Resolves when an upstream started sending the blob (its size, if it said); rejects when none will. */
  readonly started: Promise<{ size: number | null }>;
  /** Resolves once the blob is verified and in the cache; rejects when it was not stored. */
  readonly committed: Promise<{ size: number }>;
  /**
   * The bytes as they arrive, for the request that started the fetch with streamToCaller; null
   * for the others and once taken. Destroying it (the client left) does not stop the download.
   */
  takeLive(): Readable | null;
}

export interface BlobFetchesOptions {
  db: ProxyDb;
  blobs: BlobStore;
  /** Called with each chunk's length as the upstream sends it (bytes served from upstream). */
  onUpstreamBytes?: (length: number) => void;
}

/**
 * Downloads of missing blobs, one per group and digest at a time in this process. The bytes go
 * to storage (under a fetch key) and to the requesting client at once; when the upstream is done,
 * the digest and length are checked and only then does the object move to its digest key and the
 * group's entry get written. Other requests for the blob wait for that and read the cache.
 */
export class BlobFetches {
  private readonly running = new Map<string, BlobFetch>();

  constructor(private readonly options: BlobFetchesOptions) {}

  /**
   * The fetch in progress for the group's blob, or a new one (`leader`). A new one streams its
   * bytes to the caller (takeLive) only when `streamToCaller`: a HEAD or a Range request waits.
   */
  join(
    groupId: number,
    digest: string,
    targets: UpstreamTarget[],
    streamToCaller: boolean,
  ): { fetch: BlobFetch; leader: boolean } {
    const key = `${groupId} ${digest}`;
    const existing = this.running.get(key);
    if (existing) return { fetch: existing, leader: false };
    const fetch = this.start(groupId, digest, targets, streamToCaller);
    this.running.set(key, fetch);
    const forget = () => this.running.delete(key);
    fetch.committed.then(forget, forget);
    return { fetch, leader: true };
  }

  private start(
    groupId: number,
    digest: string,
    targets: UpstreamTarget[],
    streamToCaller: boolean,
  ): BlobFetch {
    const stream = streamToCaller ? new PassThrough() : null;
    let live = stream;
    const started = openUpstream(targets, digest);
    const committed = started.then(({ blob }) => this.store(groupId, digest, blob, stream));
    // Each is awaited by whoever needs it; unobserved, a failure would crash the process.
    started.catch(() => undefined);
    committed.catch(() => undefined);
    return {
      started: started.then(({ blob }) => ({ size: blob.size })),
      committed,
      takeLive() {
        const taken = live;
        live = null;
        return taken;
      },
    };
  }

  private async store(
    groupId: number,
    digest: string,
    blob: FetchedBlob,
    live: PassThrough | null,
  ): Promise<{ size: number }> {
    const { blobs, db } = this.options;
    const parsed = parseDigest(digest)!;
    const hash = createHash(parsed.algorithm);
    const toStorage = new PassThrough();
    const key = fetchKey(randomUUID());
    let received = 0;
    teeStream(blob.body, toStorage, live, (chunk) => {
      hash.update(chunk);
      received += chunk.length;
      this.options.onUpstreamBytes?.(chunk.length);
    });

    try {
      // With the upstream's length, S3 streams the bytes through instead of buffering parts.
      await blobs.put(key, toStorage, blob.size === null ? undefined : { size: blob.size });
    } catch (error) {
      blob.body.destroy();
      live?.destroy(error as Error);
      await blobs.delete(key).catch(() => undefined);
      throw error;
    }
    const actual = `${parsed.algorithm}:${hash.digest('hex')}`;
    const problem =
      actual !== digest
        ? `hashes to ${actual}`
        : blob.size !== null && blob.size !== received
          ? `is ${received} bytes, not the ${blob.size} it announced`
          : null;
    if (problem) {
      await blobs.delete(key).catch(() => undefined);
      throw new CorruptUpstreamBlobError(digest, problem);
    }
    await blobs.move(key, proxyBlobKey(digest));
    await recordCachedBlob(db, groupId, digest, received);
    return { size: received };
  }
}

/** The first target that has the blob, in order; a failure moves on to the next one. */
async function openUpstream(
  targets: UpstreamTarget[],
  digest: string,
): Promise<{ blob: FetchedBlob; upstream: string }> {
  let failure: unknown;
  for (const target of targets) {
    try {
      const blob = await target.upstream.getBlob(target.image, digest);
      if (blob) return { blob, upstream: target.upstream.name };
    } catch (error) {
      failure ??= asUpstreamOutage(target.upstream.name, error);
    }
  }
  throw failure ?? new BlobNotUpstreamError(digest);
}
