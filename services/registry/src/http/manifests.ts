import express, { type Request, type Response } from 'express';
import { OciError } from '@stowage/http';
import { acceptsManifest } from '@stowage/oci';
import {
  deleteManifest,
  deleteTag,
  digestOf,
  ensureRepository,
  isValidTag,
  parseDigest,
  saveManifest,
  type ServedManifest,
} from '@stowage/registry-data';
import { parseManifest } from '../manifests/parse-manifest';
import { projectIdFor } from './registry-access';
import type { RegistryContext } from './registry-context';
import { existingRepository, requireDigest } from './repository-lookup';

/** distribution's default limit on a manifest's size. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const readManifestBody = express.raw({ type: () => true, limit: MAX_MANIFEST_BYTES });

function readBody(req: Request, res: Response): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    readManifestBody(req, res, (error?: unknown) =>
      error ? reject(error) : resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)),
    ),
  );
}

type Reference = { digest: string } | { tag: string };

/**
 * A tag or a digest, as the last path segment of a PUT or DELETE names a manifest; 400 TAG_INVALID
 * or DIGEST_INVALID when it is neither. CNCF Distribution answers an unroutable 404 (a plain-text
 * "404 page not found", no error body) to an invalid tag, because its route only matches valid
 * references, and DIGEST_INVALID to a DELETE of a malformed digest. For a write the client chose
 * the name, so the spec's TAG_INVALID / DIGEST_INVALID tell it what to fix; a 404 would read as
 * "the repository or manifest does not exist" and hide its mistake.
 */
function parseReference(reference: string): Reference {
  if (reference.includes(':')) {
    requireDigest(reference);
    return { digest: reference };
  }
  if (!isValidTag(reference)) throw new OciError('TAG_INVALID', { tag: reference });
  return { tag: reference };
}

/**
 * The reference of a GET or HEAD: one that is neither a valid tag nor a well-formed digest names
 * no manifest that could exist, so it is unknown, 404 MANIFEST_UNKNOWN, without a query.
 * Distribution answers 404 to an invalid tag (its route does not match), and it takes a malformed
 * digest (`sha256:zz`) for a tag and fails its lookup (500 UNKNOWN in 2.8, from its storage
 * driver refusing the path); both are "no such manifest" to a client, which is what 404 says, in
 * the spec's error body.
 */
function readReference(reference: string): Reference {
  try {
    return parseReference(reference);
  } catch (error) {
    if (error instanceof OciError) throw new OciError('MANIFEST_UNKNOWN', { reference });
    throw error;
  }
}

function describeManifest(res: Response, manifest: ServedManifest): void {
  res.setHeader('Content-Type', manifest.mediaType);
  res.setHeader('Docker-Content-Digest', manifest.digest);
  res.setHeader('ETag', `"${manifest.digest}"`);
  res.setHeader('Content-Length', String(manifest.payload.length));
}

/** `GET|HEAD /v2/<name>/manifests/<reference>` */
export async function getManifest(
  ctx: RegistryContext,
  name: string,
  reference: string,
  req: Request,
  res: Response,
) {
  const ref = readReference(reference);
  const manifest = await ctx.manifests.get(name, ref);
  if (!manifest) throw new OciError('MANIFEST_UNKNOWN', ref);
  if (!acceptsManifest(req.get('accept'), manifest.mediaType)) {
    throw new OciError('MANIFEST_UNKNOWN', { reason: `${manifest.mediaType} is not in the Accept header` });
  }
  describeManifest(res, manifest);
  res.status(200);
  if (req.method === 'HEAD') res.end();
  else res.end(Buffer.from(manifest.payload));
}

/** `PUT /v2/<name>/manifests/<reference>` */
export async function putManifest(
  ctx: RegistryContext,
  name: string,
  reference: string,
  req: Request,
  res: Response,
) {
  const ref = parseReference(reference);
  const payload = await readBody(req, res);
  const manifest = parseManifest(payload, req.get('content-type'));
  if ('digest' in ref) {
    const algorithm = parseDigest(ref.digest)!.algorithm;
    if (digestOf(payload, algorithm) !== ref.digest)
      throw new OciError('DIGEST_INVALID', { digest: ref.digest });
    manifest.digest = ref.digest;
  }
  const repository = await ensureRepository(ctx.prisma, name, projectIdFor(res, name));
  const stored = await saveManifest(ctx.prisma, repository, manifest, 'tag' in ref ? ref.tag : null);
  res.setHeader('Location', `/v2/${name}/manifests/${stored.digest}`);
  res.setHeader('Docker-Content-Digest', stored.digest);
  if (manifest.subjectDigest) res.setHeader('OCI-Subject', manifest.subjectDigest);
  res.setHeader('Content-Length', '0');
  res.status(201).end();
}

/** `DELETE /v2/<name>/manifests/<reference>`: by digest the manifest and its tags, by tag that tag only. */
export async function removeManifest(ctx: RegistryContext, name: string, reference: string, res: Response) {
  const ref = parseReference(reference);
  const repository = await existingRepository(ctx.prisma, name, 'MANIFEST_UNKNOWN');
  const deleted =
    'digest' in ref
      ? await deleteManifest(ctx.prisma, repository, ref.digest)
      : await deleteTag(ctx.prisma, repository, ref.tag);
  if (!deleted) throw new OciError('MANIFEST_UNKNOWN', ref);
  res.setHeader('Content-Length', '0');
  res.status(202).end();
}
