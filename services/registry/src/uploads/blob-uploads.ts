import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobStore } from '@stowage/blob-store';
import {
  blobKey,
  deleteUploadRecord,
  digestOf,
  findStoredBlob,
  linkBlob,
  markUploadCommitting,
  saveUploadProgress,
  uploadDataKey,
  uploadTailKey,
  type ParsedDigest,
  type PrismaClient,
  type UploadRecord,
} from '@stowage/registry-data';
import { BufferPool } from './buffer-pool';
import type { UploadHashCache } from './hash-cache';
import { PartBuffers } from './part-buffers';
import { ProgressRecorder } from './progress-recorder';

/** The upload's content does not hash to the digest the client gave; nothing was stored. */
export class UploadDigestMismatchError extends Error {
  constructor(readonly expected: string) {
    super(`the uploaded content does not match ${expected}`);
    this.name = 'UploadDigestMismatchError';
  }
}

export interface BlobUploadsOptions {
  prisma: PrismaClient;
  blobs: BlobStore;
  hashes: UploadHashCache;
  /** Bytes per stored part; a request holds two parts in memory (one stored while the next fills). */
  partSize: number;
}

/**
 * How much more a streaming request stores before its progress is recorded again (see
 * ProgressRecorder): what a client sends twice after the process dies mid-request, at most.
 */
const RECORD_EVERY_BYTES = 64 * 1024 * 1024;

const digestString = (digest: ParsedDigest) => `${digest.algorithm}:${digest.hex}`;

/**
 * Writes blob uploads to storage as they stream in. Every full part goes straight into a
 * multipart upload and the bytes after the last full part into a small "tail" object, and the
 * database records them every 64 MiB and at the end of each request (ProgressRecorder), so an
 * upload survives a restart of the process (or continues in another replica) from the last
 * recorded point. Finishing joins the parts, checks the digest and moves the result to its
 * content-addressed key, or drops it if that blob exists.
 */
export class BlobUploads {
  /** The two part buffers of one upload outlive it, for the next (see BufferPool). */
  private readonly partBuffers = new BufferPool(2);

  constructor(private readonly options: BlobUploadsOptions) {}

  private get partSize(): number {
    return Math.max(this.options.partSize, this.options.blobs.minPartSize);
  }

  /** Appends a request body to the upload; resolves with the recorded upload and its tail bytes. */
  async append(
    upload: UploadRecord,
    body: AsyncIterable<Buffer>,
  ): Promise<{ upload: UploadRecord; tail: Buffer }> {
    const { blobs, prisma, hashes } = this.options;
    const hash = hashes.take(upload.id, upload.size);
    const parts = new PartBuffers(this.partSize, this.partBuffers);
    const recorder = new ProgressRecorder(
      (previousSize, progress) => saveUploadProgress(prisma, upload.id, previousSize, progress),
      upload.size,
      RECORD_EVERY_BYTES,
    );
    // What storage holds: the upload's parts so far (the database may be a record or two behind).
    let stored = { ...upload };
    const staleTails = new Set<string>(upload.tailKey ? [upload.tailKey] : []);
    let received = upload.size;
    // One part is stored while the next is received; parts are still stored in order.
    let writing: Promise<void> | null = null;
    const settle = async () => {
      if (writing) await writing.finally(() => (writing = null));
    };
    const add = async (chunk: Buffer) => {
      for (let offset = 0; offset < chunk.length;) {
        offset += parts.add(chunk, offset);
        if (!parts.full) continue;
        // The buffer the next part fills is free again once the part before is stored.
        await settle();
        writing = this.writePart(stored, parts.takePart()).then((next) => {
          stored = next;
          recorder.stored(next);
        });
        // Awaited by settle(); until then a failure must not count as unhandled.
        writing.catch(() => undefined);
      }
    };
    let tail: Buffer;
    try {
      await add(await this.readTail(upload));
      for await (const chunk of body) {
        hash?.update(chunk);
        received += chunk.length;
        await add(chunk);
      }
      await settle();
      tail = parts.rest();
    } catch (error) {
      // The request broke off: what was stored is recorded before this answers.
      await settle().catch(() => undefined);
      await recorder.flush().catch(() => undefined);
      throw error;
    } finally {
      // Settled either way: no part is being stored from the buffers any more.
      parts.release();
    }
    const tailKey = tail.length > 0 ? uploadTailKey(upload.id, received) : null;
    if (tailKey) {
      await blobs.put(tailKey, tail);
      staleTails.delete(tailKey);
    }
    const next = { ...stored, size: received, tailKey, tailSize: tail.length };
    recorder.stored(next);
    await recorder.flush();
    await Promise.allSettled([...staleTails].map((key) => blobs.delete(key)));
    if (hash) hashes.keep(upload.id, hash, received);
    return { upload: next, tail };
  }

  /**
   * Completes the upload as the blob `expected`, after appending `body` if there is one, and
   * links the blob to the upload's repository. Rejects with UploadDigestMismatchError (and
   * discards the upload) when the content hashes to something else. Resolves with its size.
   */
  async finish(
    upload: UploadRecord,
    body: AsyncIterable<Buffer> | null,
    expected: ParsedDigest,
  ): Promise<number> {
    const { blobs, prisma, hashes } = this.options;
    const appended = body ? await this.append(upload, body) : { upload, tail: await this.readTail(upload) };
    const state = appended.upload;
    const running = hashes.take(state.id, state.size);
    const hash = expected.algorithm === 'sha256' ? running : null;
    const digest = digestString(expected);

    if (state.multipartUploadId === null) {
      const actual = hash ? `sha256:${hash.digest('hex')}` : digestOf(appended.tail, expected.algorithm);
      if (actual !== digest) return this.rejectDigest(state, digest);
      await markUploadCommitting(prisma, state.id, digest);
      if (!(await findStoredBlob(prisma, digest))) await blobs.put(blobKey(digest), appended.tail);
    } else {
      const dataKey = uploadDataKey(state.id);
      const parts = [...state.parts];
      if (appended.tail.length > 0) {
        parts.push(
          await blobs.uploadPart(dataKey, state.multipartUploadId, parts.length + 1, appended.tail, {
            size: appended.tail.length,
          }),
        );
      }
      await blobs.completeMultipartUpload(dataKey, state.multipartUploadId, parts);
      const actual = hash ? `sha256:${hash.digest('hex')}` : await this.hashStored(dataKey, expected);
      if (actual !== digest) {
        await blobs.delete(dataKey);
        return this.rejectDigest({ ...state, multipartUploadId: null }, digest);
      }
      // From here GC leaves this digest's object alone until the blob row exists (ADR 0008).
      await markUploadCommitting(prisma, state.id, digest);
      if (await findStoredBlob(prisma, digest)) await blobs.delete(dataKey);
      else await blobs.move(dataKey, blobKey(digest));
    }
    await prisma.$transaction(async (tx) => {
      await linkBlob(tx, state.repositoryId, digest, state.size);
      await deleteUploadRecord(tx, state.id);
    });
    if (state.tailKey) await blobs.delete(state.tailKey).catch(() => undefined);
    return state.size;
  }

  /** Discards the upload: its parts, its tail and its record. */
  async cancel(upload: Pick<UploadRecord, 'id' | 'multipartUploadId' | 'tailKey'>): Promise<void> {
    const { blobs, prisma, hashes } = this.options;
    hashes.forget(upload.id);
    await deleteUploadRecord(prisma, upload.id);
    const cleanups: Promise<void>[] = [];
    if (upload.multipartUploadId) {
      cleanups.push(blobs.abortMultipartUpload(uploadDataKey(upload.id), upload.multipartUploadId));
    }
    if (upload.tailKey) cleanups.push(blobs.delete(upload.tailKey));
    await Promise.allSettled(cleanups);
  }

  private async rejectDigest(upload: UploadRecord, expected: string): Promise<never> {
    await this.cancel(upload);
    throw new UploadDigestMismatchError(expected);
  }

  /** Stores one full part (starting the multipart upload with the first); resolves with what is stored. */
  private async writePart(state: UploadRecord, bytes: Buffer): Promise<UploadRecord> {
    const { blobs } = this.options;
    const dataKey = uploadDataKey(state.id);
    const multipartUploadId = state.multipartUploadId ?? (await blobs.createMultipartUpload(dataKey));
    const part = await blobs.uploadPart(dataKey, multipartUploadId, state.parts.length + 1, bytes, {
      size: bytes.length,
    });
    const parts = [...state.parts, part];
    // Only the parts are stored now: the rest of this request is not.
    return {
      ...state,
      multipartUploadId,
      parts,
      size: parts.reduce((sum, p) => sum + p.size, 0),
      tailKey: null,
      tailSize: 0,
    };
  }

  private async readTail(upload: UploadRecord): Promise<Buffer> {
    if (!upload.tailKey || upload.tailSize === 0) return Buffer.alloc(0);
    return readAll(await this.options.blobs.get(upload.tailKey));
  }

  /** Hashes joined content read back from storage (after a restart lost the running hash). */
  private async hashStored(key: string, digest: ParsedDigest): Promise<string> {
    const hash: Hash = createHash(digest.algorithm);
    for await (const chunk of await this.options.blobs.get(key)) hash.update(chunk as Buffer);
    return `${digest.algorithm}:${hash.digest('hex')}`;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
