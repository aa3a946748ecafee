import type { Request, Response } from 'express';
import { hasAccess } from '@stowage/auth';
import { OciError } from '@stowage/http';
import {
  createUpload,
  ensureRepository,
  findRepository,
  findUpload,
  isValidRepositoryName,
  mountBlob,
  type ParsedDigest,
  type Repository,
  type UploadRecord,
} from '@stowage/registry-data';
import { projectIdFor, registryToken } from './registry-access';
import type { RegistryContext } from './registry-context';
import { digestQueryParam } from './repository-lookup';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uploadLocation(name: string, uploadId: string): string {
  return `/v2/${name}/blobs/uploads/${uploadId}`;
}

/** Headers of an upload in progress: where to continue and how much is stored. */
function describeUpload(res: Response, name: string, upload: UploadRecord, status: 202 | 204): void {
  res.setHeader('Location', uploadLocation(name, upload.id));
  res.setHeader('Docker-Upload-UUID', upload.id);
  // distribution reports 0-0 for an empty upload too; clients read it as "nothing yet".
  res.setHeader('Range', `0-${Math.max(upload.size - 1, 0)}`);
  res.setHeader('Content-Length', '0');
  res.status(status).end();
}

function blobCreated(res: Response, name: string, digest: string): void {
  res.setHeader('Location', `/v2/${name}/blobs/${digest}`);
  res.setHeader('Docker-Content-Digest', digest);
  res.setHeader('Content-Length', '0');
  res.status(201).end();
}

async function repositoryForPush(ctx: RegistryContext, name: string, res: Response): Promise<Repository> {
  return ensureRepository(ctx.prisma, name, projectIdFor(res, name));
}

/**
 * The repository a `POST .../blobs/uploads/?mount=<digest>&from=<name>` names to mount from, or null
 * when it names none that could be (no `mount`, no `from`, or a name outside the grammar).
 */
export function mountSourceOf(query: Request['query']): string | null {
  const { mount, from } = query;
  return typeof mount === 'string' && typeof from === 'string' && isValidRepositoryName(from) ? from : null;
}

/**
 * Cross-repository mount: links a blob of `from` into this repository without a transfer, when
 * the token may pull from `from` and the blob is there. False when it cannot (the caller then
 * starts an ordinary upload, as the spec allows).
 */
async function tryMount(
  ctx: RegistryContext,
  res: Response,
  repository: Repository,
  digest: string,
  from: string,
): Promise<boolean> {
  if (!hasAccess(registryToken(res), 'repository', from, 'pull')) return false;
  const source = await findRepository(ctx.prisma, from);
  return source !== null && (await mountBlob(ctx.prisma, source.id, repository.id, digest)) !== null;
}

/** `POST /v2/<name>/blobs/uploads/`: starts an upload, uploads a whole blob (`?digest=`), or mounts one. */
export async function startUpload(ctx: RegistryContext, name: string, req: Request, res: Response) {
  const expected = digestQueryParam(req.query.digest, 'digest');
  const mountDigest = digestQueryParam(req.query.mount, 'mount');
  const from = mountSourceOf(req.query);
  const repository = await repositoryForPush(ctx, name, res);
  if (mountDigest && from !== null) {
    const text = `${mountDigest.algorithm}:${mountDigest.hex}`;
    if (await tryMount(ctx, res, repository, text, from)) return blobCreated(res, name, text);
  }
  const upload = await createUpload(ctx.prisma, repository.id);
  if (!expected) return describeUpload(res, name, upload, 202);
  try {
    await finishUpload(ctx, name, upload, bodyOf(req), expected, res);
  } catch (error) {
    // The client was never told where this upload lives, so nobody could resume it.
    await ctx.uploads.cancel(upload).catch(() => undefined);
    throw error;
  }
}

async function finishUpload(
  ctx: RegistryContext,
  name: string,
  upload: UploadRecord,
  body: AsyncIterable<Buffer>,
  expected: ParsedDigest,
  res: Response,
): Promise<void> {
  await ctx.uploads.finish(upload, body, expected);
  blobCreated(res, name, `${expected.algorithm}:${expected.hex}`);
}

/**
 * The request body as chunks. When storage fails half-way, leaving the loop must not destroy the
 * request: Node would reset the connection and the client would never see its 503. The unread
 * rest stays on the wire instead, and the error answer closes the connection (libs/http).
 */
function bodyOf(req: Request): AsyncIterable<Buffer> {
  return req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
}

/** The upload named in the path, if it exists and belongs to this repository. */
async function existingUpload(ctx: RegistryContext, name: string, uploadId: string): Promise<UploadRecord> {
  const repository = UUID.test(uploadId) ? await findRepository(ctx.prisma, name) : null;
  const upload = repository && (await findUpload(ctx.prisma, repository.id, uploadId));
  if (!upload) throw new OciError('BLOB_UPLOAD_UNKNOWN', { upload: uploadId });
  return upload;
}

/** `Content-Range: <start>-<end>` of a chunk must continue the upload exactly where it stands. */
function checkChunkRange(req: Request, upload: UploadRecord): void {
  const header = req.get('content-range');
  if (header === undefined) return; // the streamed form: the chunk simply follows
  const match = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(header.trim());
  const start = match ? Number(match[1]) : NaN;
  const end = match ? Number(match[2]) : NaN;
  const length = req.get('content-length');
  if (
    !match ||
    start !== upload.size ||
    end < start ||
    (length !== undefined && Number(length) !== end - start + 1)
  ) {
    rangeInvalid(upload);
  }
}

function rangeInvalid(upload: UploadRecord): never {
  throw new OciError('RANGE_INVALID', { size: upload.size });
}

/** `PATCH /v2/<name>/blobs/uploads/<uuid>`: appends a chunk. */
export async function appendChunk(
  ctx: RegistryContext,
  name: string,
  uploadId: string,
  req: Request,
  res: Response,
) {
  const upload = await existingUpload(ctx, name, uploadId);
  checkChunkRange(req, upload);
  const { upload: updated } = await ctx.uploads.append(upload, bodyOf(req));
  describeUpload(res, name, updated, 202);
}

/** `GET /v2/<name>/blobs/uploads/<uuid>`: how much of the upload is stored. */
export async function uploadStatus(ctx: RegistryContext, name: string, uploadId: string, res: Response) {
  describeUpload(res, name, await existingUpload(ctx, name, uploadId), 204);
}

/** `PUT /v2/<name>/blobs/uploads/<uuid>?digest=`: the last chunk (optional) and the digest. */
export async function completeUpload(
  ctx: RegistryContext,
  name: string,
  uploadId: string,
  req: Request,
  res: Response,
) {
  const upload = await existingUpload(ctx, name, uploadId);
  const expected = digestQueryParam(req.query.digest, 'digest');
  if (!expected)
    throw new OciError('DIGEST_INVALID', null, 'invalid digest: the digest parameter is missing');
  checkChunkRange(req, upload);
  await finishUpload(ctx, name, upload, bodyOf(req), expected, res);
}

/** `DELETE /v2/<name>/blobs/uploads/<uuid>`: cancels the upload and discards what it stored. */
export async function cancelUpload(ctx: RegistryContext, name: string, uploadId: string, res: Response) {
  await ctx.uploads.cancel(await existingUpload(ctx, name, uploadId));
  res.setHeader('Content-Length', '0');
  res.status(204).end();
}
