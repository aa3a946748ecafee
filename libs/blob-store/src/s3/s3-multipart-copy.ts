import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

/** CopyObject copies at most 5 GiB in one request; larger objects are copied part by part. */
export const MAX_SINGLE_COPY_BYTES = 5 * 1024 ** 3;
const MIN_COPY_PART_BYTES = 512 * 1024 ** 2;
const MAX_PARTS = 10_000;
const CONCURRENT_PART_COPIES = 4;

export interface CopyPart {
  partNumber: number;
  /** Inclusive byte offsets in the source, as in `x-amz-copy-source-range: bytes=start-end`. */
  start: number;
  end: number;
}

/** Splits `size` bytes into ranges of at least 512 MiB and at most 10,000 parts (S3's limit). */
export function planCopyParts(size: number, minPartSize = MIN_COPY_PART_BYTES): CopyPart[] {
  const partSize = Math.max(minPartSize, Math.ceil(size / MAX_PARTS));
  const parts: CopyPart[] = [];
  for (let start = 0, partNumber = 1; start < size; start += partSize, partNumber++) {
    parts.push({ partNumber, start, end: Math.min(start + partSize, size) - 1 });
  }
  return parts;
}

export interface MultipartCopyInput {
  bucket: string;
  /** URL-encoded `bucket/key` of the source, as CopyObject's CopySource. */
  copySource: string;
  targetKey: string;
  size: number;
}

/** Server-side copy with UploadPartCopy; the upload is aborted when any part fails. */
export async function copyInParts(client: S3Client, input: MultipartCopyInput): Promise<void> {
  const { bucket, copySource, targetKey, size } = input;
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: targetKey }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error('CreateMultipartUpload returned no upload id');
  try {
    const pending = planCopyParts(size);
    const completed: CompletedPart[] = [];
    const failures: unknown[] = [];
    const copyParts = async () => {
      for (let part = pending.shift(); part; part = pending.shift()) {
        const result = await client.send(
          new UploadPartCopyCommand({
            Bucket: bucket,
            Key: targetKey,
            UploadId: uploadId,
            PartNumber: part.partNumber,
            CopySource: copySource,
            CopySourceRange: `bytes=${part.start}-${part.end}`,
          }),
        );
        completed.push({ PartNumber: part.partNumber, ETag: result.CopyPartResult?.ETag });
      }
    };
    // On the first failure the other workers stop taking parts, so none is still copying when we abort.
    const worker = () =>
      copyParts().catch((error: unknown) => {
        failures.push(error);
        pending.length = 0;
      });
    await Promise.all(Array.from({ length: CONCURRENT_PART_COPIES }, worker));
    if (failures.length > 0) throw failures[0];
    completed.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: targetKey,
        UploadId: uploadId,
        MultipartUpload: { Parts: completed },
      }),
    );
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: targetKey, UploadId: uploadId }))
      .catch(() => undefined);
    throw error;
  }
}
