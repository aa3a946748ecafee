import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  paginateListObjectsV2,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  BlobNotFoundError,
  InvalidUploadPartError,
  RangeNotSatisfiableError,
  UploadNotFoundError,
} from '../errors';
import { validateKey, validatePartNumber, validatePrefix, validateRange } from '../keys';
import type {
  BlobInfo,
  ByteRange,
  ManagedBlobStore,
  PutOptions,
  UploadPart,
  UploadPartOptions,
} from '../ports';
import { isS3NotFound, s3ErrorCode } from './s3-errors';
import { MAX_SINGLE_COPY_BYTES, copyInParts } from './s3-multipart-copy';
import { translateOutages } from './s3-unavailable';
import { spoolToFile } from './spool-to-file';

export interface S3Options {
  /** Endpoint of an S3-compatible server (MinIO, ...); omitted for AWS itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** Static credentials; when omitted the SDK's default provider chain applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`; MinIO and test servers need it. */
  forcePathStyle?: boolean;
  /** Prepended to every key (`tenant-a/`), so several installations can share one bucket. */
  keyPrefix?: string;
  /** Where parts of unknown length are spooled before upload (see UploadPartOptions); the OS temp dir by default. */
  spoolDirectory?: string;
}

/** S3's minimum size of every part but the last. */
const S3_MIN_PART_SIZE = 5 * 1024 * 1024;
/** put() buffers at most PUT_PART_SIZE * PUT_QUEUE_SIZE bytes at a time, whatever the body's size. */
const PUT_PART_SIZE = 8 * 1024 * 1024;
const PUT_QUEUE_SIZE = 4;
/** S3's limit on one PutObject; a larger object needs a multipart upload. */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
const CONNECT_TIMEOUT_MS = 5_000;
const SOCKET_IDLE_TIMEOUT_MS = 30_000;

function normalizeKeyPrefix(keyPrefix: string | undefined): string {
  if (!keyPrefix) return '';
  const trimmed = keyPrefix.replace(/\/+$/, '');
  validateKey(trimmed);
  return `${trimmed}/`;
}

/** CopySource is `bucket/key`, URL-encoded segment by segment. */
function encodeCopySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** BlobStore on an S3-compatible bucket (AWS S3, MinIO), for the distributed mode. */
export class S3BlobStore implements ManagedBlobStore {
  readonly minPartSize = S3_MIN_PART_SIZE;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly keyPrefix: string;
  private readonly spoolDirectory: string;

  constructor(private readonly options: S3Options) {
    this.bucket = options.bucket;
    this.keyPrefix = normalizeKeyPrefix(options.keyPrefix);
    this.spoolDirectory = options.spoolDirectory ?? tmpdir();
    const { accessKeyId, secretAccessKey } = options;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
      // Recent SDKs add CRC checksums to every upload by default, sent as aws-chunked trailers that
      // many S3-compatible servers (older MinIO, s3rver) do not understand. Integrity is checked
      // end to end by the callers' digests instead.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Without these a storage server that stops answering would hold a client's request (and
      // its upload) forever. The idle limit covers streamed bodies too: a stalled download ends.
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, socketTimeout: SOCKET_IDLE_TIMEOUT_MS },
    });
    translateOutages(this.client);
  }

  async initialize(): Promise<void> {
    await this.ensureBucket();
  }

  /** Creates the bucket when it does not exist yet; an existing bucket of ours is left as it is. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (!isS3NotFound(error, 'NoSuchBucket')) throw error;
    }
    try {
      const inUsEast1 = this.options.region === 'us-east-1';
      await this.client.send(
        new CreateBucketCommand({
          Bucket: this.bucket,
          // us-east-1 is the one region that rejects an explicit LocationConstraint.
          CreateBucketConfiguration: inUsEast1
            ? undefined
            : { LocationConstraint: this.options.region as BucketLocationConstraint },
        }),
      );
    } catch (error) {
      // Another replica created it between our HEAD and our CREATE.
      if (s3ErrorCode(error) !== 'BucketAlreadyOwnedByYou') throw error;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  async put(key: string, body: Readable | Buffer, options?: PutOptions): Promise<BlobInfo> {
    if (!Buffer.isBuffer(body) && options?.size !== undefined && options.size <= MAX_SINGLE_PUT_BYTES) {
      await this.putInOneRequest(key, body, options.size, options.contentType);
      return this.statOrThrow(key);
    }
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.s3Key(key), Body: body, ContentType: options?.contentType },
      partSize: PUT_PART_SIZE,
      queueSize: PUT_QUEUE_SIZE,
      // A failed body aborts the multipart upload, so nothing partial is ever visible or billed.
      leavePartsOnError: false,
    });
    await upload.done();
    return this.statOrThrow(key);
  }

  /**
   * One PutObject that streams `body` through. The SDK pipes the body into the request without
   * watching it, so a body that fails would leave the request waiting: its error aborts the
   * request instead, which S3 answers by storing nothing.
   */
  private async putInOneRequest(key: string, body: Readable, size: number, contentType?: string) {
    const abort = new AbortController();
    let bodyError: unknown;
    const onBodyError = (error: unknown) => {
      bodyError = error;
      abort.abort();
    };
    body.once('error', onBodyError);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.s3Key(key),
          Body: body,
          ContentLength: size,
          ContentType: contentType,
        }),
        { abortSignal: abort.signal },
      );
    } catch (error) {
      throw bodyError ?? error;
    } finally {
      body.off('error', onBodyError);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const s3Key = this.s3Key(key);
    if (range) validateRange(range);
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: s3Key,
          Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined,
        }),
      );
      if (!(response.Body instanceof Readable)) throw new Error('S3 GetObject returned no stream body');
      return response.Body;
    } catch (error) {
      if (isS3NotFound(error, 'NoSuchKey')) throw new BlobNotFoundError(key);
      if (range && s3ErrorCode(error) === 'InvalidRange') {
        // The 416 answer's body is not parsed into the SDK error, so ask for the size.
        const info = await this.statOrThrow(key);
        throw new RangeNotSatisfiableError(key, range.start, info.size);
      }
      throw error;
    }
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key) }),
      );
      return { key, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      if (isS3NotFound(error, 'NoSuchKey')) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a missing key too, which is the idempotence the port promises.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key) }));
  }

  async *list(prefix: string): AsyncGenerator<BlobInfo> {
    validatePrefix(prefix);
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: this.keyPrefix + prefix },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield {
          key: object.Key.slice(this.keyPrefix.length),
          size: object.Size ?? 0,
          modifiedAt: object.LastModified ?? new Date(0),
        };
      }
    }
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    const source = this.s3Key(fromKey);
    const target = this.s3Key(toKey);
    const info = await this.stat(fromKey);
    if (!info) throw new BlobNotFoundError(fromKey);
    if (source === target) return;
    const copySource = encodeCopySource(this.bucket, source);
    try {
      if (info.size > MAX_SINGLE_COPY_BYTES) {
        await copyInParts(this.client, {
          bucket: this.bucket,
          copySource,
          targetKey: target,
          size: info.size,
        });
      } else {
        await this.client.send(
          new CopyObjectCommand({ Bucket: this.bucket, Key: target, CopySource: copySource }),
        );
      }
    } catch (error) {
      if (isS3NotFound(error, 'NoSuchKey')) throw new BlobNotFoundError(fromKey);
      throw error;
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: source }));
  }

  async createMultipartUpload(key: string): Promise<string> {
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.s3Key(key) }),
    );
    if (!created.UploadId) throw new Error('S3 CreateMultipartUpload returned no upload id');
    return created.UploadId;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable | Buffer,
    options?: UploadPartOptions,
  ): Promise<UploadPart> {
    const s3Key = this.s3Key(key);
    validatePartNumber(uploadId, partNumber);
    const spooled =
      Buffer.isBuffer(body) || options?.size !== undefined
        ? null
        : await spoolToFile(body, this.spoolDirectory);
    try {
      const size = Buffer.isBuffer(body) ? body.length : (spooled?.size ?? options?.size ?? 0);
      const response = await this.client.send(
        new UploadPartCommand({
          Bucket: this.bucket,
          Key: s3Key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: spooled ? createReadStream(spooled.path) : body,
          ContentLength: size,
        }),
      );
      if (!response.ETag) throw new Error('S3 UploadPart returned no ETag');
      return { partNumber, etag: response.ETag, size };
    } catch (error) {
      if (s3ErrorCode(error) === 'NoSuchUpload') throw new UploadNotFoundError(uploadId);
      throw error;
    } finally {
      await spooled?.remove();
    }
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: UploadPart[]): Promise<BlobInfo> {
    const s3Key = this.s3Key(key);
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    if (sorted.length === 0) throw new InvalidUploadPartError(uploadId, 0, 'at least one part is required');
    sorted.forEach((part) => validatePartNumber(uploadId, part.partNumber));
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: s3Key,
          UploadId: uploadId,
          MultipartUpload: { Parts: sorted.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (error) {
      const code = s3ErrorCode(error);
      if (code === 'NoSuchUpload') throw new UploadNotFoundError(uploadId);
      if (code === 'InvalidPart' || code === 'InvalidPartOrder' || code === 'EntityTooSmall') {
        throw new InvalidUploadPartError(uploadId, 0, `S3 rejected the parts: ${code}`);
      }
      throw error;
    }
    return this.statOrThrow(key);
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.s3Key(key), UploadId: uploadId }),
      );
    } catch (error) {
      if (s3ErrorCode(error) !== 'NoSuchUpload') throw error;
    }
  }

  async presignGet(key: string, expiresInSeconds: number): Promise<string | null> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.s3Key(key) });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds });
  }

  async checkHealth(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** Validates a caller's key and returns it with the key prefix. */
  private s3Key(key: string): string {
    validateKey(key);
    return this.keyPrefix + key;
  }

  private async statOrThrow(key: string): Promise<BlobInfo> {
    const info = await this.stat(key);
    if (!info) throw new BlobNotFoundError(key);
    return info;
  }
}
