import type { Request, Response } from 'express';
import { BlobNotFoundError } from '@stowage/blob-store';
import { answerWithStoredBody, gatewaySendsStoredBodies, sendBody } from '@stowage/http';
import type { PackageFile } from '@stowage/package-registry-data';
import type { PackageContext } from './package-context';
import { PackageNotFoundError } from './package-errors';

export interface ServeOptions {
  contentType?: string;
  /** Content-Disposition: attachment with the file name (browsers save rather than show it). */
  attachment?: boolean;
}

/**
 * Sends a package file: its length, type, checksums (`X-Checksum-*`, as Maven and Artifactory
 * clients read them) and an ETag of its SHA-256, then the object's bytes; HEAD sends the headers
 * only. A row whose object is missing answers 404 rather than a broken body. Behind a gateway
 * that offers to, the bytes come from the gateway reading storage (`answerWithStoredBody`).
 */
export async function sendPackageFile(
  ctx: PackageContext,
  req: Request,
  res: Response,
  file: PackageFile,
  options: ServeOptions = {},
): Promise<void> {
  const hasBody = req.method !== 'HEAD' && file.size > 0n;
  const delegated = hasBody && gatewaySendsStoredBodies(req);
  const body = hasBody && !delegated ? await openObject(ctx, file) : null;
  res.status(200);
  res.setHeader('Content-Type', options.contentType ?? 'application/octet-stream');
  res.setHeader('ETag', `"${file.sha256}"`);
  res.setHeader('X-Checksum-Md5', file.md5);
  res.setHeader('X-Checksum-Sha1', file.sha1);
  res.setHeader('X-Checksum-Sha256', file.sha256);
  if (options.attachment) {
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
  }
  if (delegated) {
    answerWithStoredBody(res, { key: file.storageKey, start: 0, length: Number(file.size) });
    return;
  }
  res.setHeader('Content-Length', String(file.size));
  if (!body) {
    res.end();
    return;
  }
  await sendBody(body, res);
}

async function openObject(ctx: PackageContext, file: PackageFile) {
  try {
    return await ctx.blobs.get(file.storageKey);
  } catch (error) {
    if (error instanceof BlobNotFoundError) {
      ctx.logger.error('package file has no object', { fileId: file.id, storageKey: file.storageKey });
      throw new PackageNotFoundError('File');
    }
    throw error;
  }
}
