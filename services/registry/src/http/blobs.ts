import type { Request, Response } from 'express';
import { OciError } from '@stowage/http';
import { describeBlob, sendBlob } from '@stowage/oci';
import { blobKey, unlinkBlob } from '@stowage/registry-data';
import type { RegistryContext } from './registry-context';
import { existingRepository, requireDigest } from './repository-lookup';

/** `GET|HEAD /v2/<name>/blobs/<digest>`: the blob, if this repository has it, with Range support. */
export async function getBlob(
  ctx: RegistryContext,
  name: string,
  digestText: string,
  req: Request,
  res: Response,
) {
  requireDigest(digestText);
  // An unknown or deleting repository answers BLOB_UNKNOWN too, as distribution does.
  const blob = await ctx.blobLinks.find(name, digestText);
  if (!blob) throw new OciError('BLOB_UNKNOWN', { digest: digestText });

  if (ctx.blobRedirectSeconds > 0 && req.method === 'GET') {
    const url = await ctx.blobs.presignGet(blobKey(blob.digest), ctx.blobRedirectSeconds);
    if (url) {
      describeBlob(res, blob.digest);
      res.redirect(307, url);
      return;
    }
  }
  const key = blobKey(blob.digest);
  await sendBlob(req, res, blob, (range) => ctx.blobs.get(key, range), { storedKey: key });
}

/** `DELETE /v2/<name>/blobs/<digest>`: unlinks the blob from the repository. */
export async function deleteBlob(ctx: RegistryContext, name: string, digestText: string, res: Response) {
  requireDigest(digestText);
  const repository = await existingRepository(ctx.prisma, name, 'BLOB_UNKNOWN');
  if (!(await unlinkBlob(ctx.prisma, repository.id, digestText))) {
    throw new OciError('BLOB_UNKNOWN', { digest: digestText });
  }
  res.setHeader('Docker-Content-Digest', digestText);
  res.setHeader('Content-Length', '0');
  res.status(202).end();
}
