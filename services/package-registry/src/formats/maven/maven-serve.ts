import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import type { Request, Response } from 'express';
import type { PackageFile } from '@stowage/package-registry-data';
import type { ChecksumAlgorithm } from '../../core/checksums';
import type { PackageContext } from '../../core/package-context';
import { sendPackageFile } from '../../core/serve-file';
import { knownVersions, newestFile, versionFileNames } from './maven-lookup';
import type { MavenTarget } from './maven-paths';
import { artifactMetadataToServe, snapshotMetadataToServe } from './metadata-merge';
import { buildMetadataXml, parseMetadataXml, type MavenMetadata } from './metadata-xml';

/**
 * Answers a Maven download from the projects a caller may read: a stored file, a document
 * generated for it (maven-metadata.xml corrected from the packages table, metadata-merge.ts), or
 * either one's checksum as hex text. Resolves false when there is nothing to serve.
 */

type Served = { kind: 'stored'; file: PackageFile } | { kind: 'generated'; body: Buffer };

const XML = 'application/xml';

function contentTypeOf(fileName: string): string {
  if (fileName.endsWith('.xml') || fileName.endsWith('.pom')) return XML;
  if (fileName.endsWith('.jar')) return 'application/java-archive';
  return 'application/octet-stream';
}

/** The stored document, parsed; one that cannot be read counts as none (it is regenerated). */
async function readStoredMetadata(ctx: PackageContext, file: PackageFile): Promise<MavenMetadata | null> {
  try {
    return parseMetadataXml(await buffer(await ctx.blobs.get(file.storageKey)));
  } catch (error) {
    ctx.logger.warn('stored maven-metadata.xml could not be read; serving one built from the packages', {
      fileId: file.id,
      error,
    });
    return null;
  }
}

async function servedMetadata(
  ctx: PackageContext,
  projectIds: readonly number[],
  target: MavenTarget,
): Promise<Served | null> {
  const storedFile = await newestFile(ctx.prisma, projectIds, target.name, target.version, target.fileName);
  const stored = storedFile ? await readStoredMetadata(ctx, storedFile) : null;
  const corrected =
    target.version === null
      ? artifactMetadataToServe(stored, target, await knownVersions(ctx.prisma, projectIds, target.name))
      : snapshotMetadataToServe(
          stored,
          { ...target, version: target.version },
          await versionFileNames(ctx.prisma, projectIds, target.name, target.version),
        );
  if (corrected) return { kind: 'generated', body: Buffer.from(buildMetadataXml(corrected), 'utf8') };
  return storedFile ? { kind: 'stored', file: storedFile } : null;
}

function digestOf(served: Served, algorithm: ChecksumAlgorithm): string {
  if (served.kind === 'stored') return served.file[algorithm];
  return createHash(algorithm).update(served.body).digest('hex');
}

function sendGenerated(res: Response, body: Buffer): void {
  res.status(200);
  res.setHeader('Content-Type', XML);
  res.setHeader('Content-Length', String(body.length));
  res.setHeader('ETag', `"${createHash('sha256').update(body).digest('hex')}"`);
  res.setHeader('X-Checksum-Md5', createHash('md5').update(body).digest('hex'));
  res.setHeader('X-Checksum-Sha1', createHash('sha1').update(body).digest('hex'));
  res.end(body);
}

export async function serveMavenFile(
  ctx: PackageContext,
  req: Request,
  res: Response,
  projectIds: readonly number[],
  target: MavenTarget,
): Promise<boolean> {
  if (projectIds.length === 0) return false;
  const served: Served | null = target.isMetadata
    ? await servedMetadata(ctx, projectIds, target)
    : await newestFile(ctx.prisma, projectIds, target.name, target.version, target.fileName).then((file) =>
        file ? { kind: 'stored' as const, file } : null,
      );
  if (!served) return false;
  if (target.checksum) {
    res.status(200).type('text/plain').send(digestOf(served, target.checksum));
  } else if (served.kind === 'stored') {
    await sendPackageFile(ctx, req, res, served.file, { contentType: contentTypeOf(target.fileName) });
  } else {
    sendGenerated(res, served.body);
  }
  return true;
}
