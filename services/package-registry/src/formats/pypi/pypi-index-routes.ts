import type { Request, Response, Router } from 'express';
import { ApiError } from '@stowage/http';
import { pypiNormalizedName } from '../../core/names';
import type { PackageContext } from '../../core/package-context';
import { PackageNotFoundError } from '../../core/package-errors';
import { sendPackageFile } from '../../core/serve-file';
import { chooseRepresentation, type Representation } from './index-negotiation';
import { distributionFileRow, indexRows, projectNames } from './pypi-queries';
import type { PypiScope, ScopeResolver } from './pypi-scope';
import {
  projectListHtml,
  projectListJson,
  projectPageHtml,
  projectPageJson,
  type IndexFile,
} from './simple-index';

/**
 * The read side, mounted once per scope (project, group): the simple index (`/simple/`, PEP 503
 * and 691), its project pages (`/simple/<name>/`), the files (`/files/<sha256>/<file>`) and
 * their core metadata (`/files/<sha256>/<file>.metadata`, PEP 658).
 */

const METADATA_SUFFIX = '.metadata';
const SHA256 = /^[0-9a-f]{64}$/i;

function representationOf(req: Request, res: Response): Representation {
  res.setHeader('Vary', 'Accept');
  const chosen = chooseRepresentation(req);
  if (!chosen) throw new ApiError(406, { message: '406 Not Acceptable' });
  return chosen;
}

function send(res: Response, representation: Representation, html: () => string, json: () => object): void {
  // A Buffer, so Express adds no charset to PEP 691's media types.
  const body = Buffer.from(representation.kind === 'json' ? JSON.stringify(json()) : html(), 'utf8');
  res.status(200).setHeader('Content-Type', representation.contentType);
  res.send(body);
}

function projectList(ctx: PackageContext, resolve: ScopeResolver) {
  return async (req: Request, res: Response) => {
    const scope = await resolve(ctx, req, res);
    const representation = representationOf(req, res);
    const projects = (await projectNames(ctx.prisma, scope.projectIds)).map((project) => ({
      name: project.name,
      url: `${scope.basePath}/simple/${project.normalizedName}/`,
    }));
    send(
      res,
      representation,
      () => projectListHtml(projects),
      () => projectListJson(projects),
    );
  };
}

const fileUrl = (scope: PypiScope, sha256: string, fileName: string) =>
  `${scope.basePath}/files/${sha256}/${encodeURIComponent(fileName)}`;

function projectPage(ctx: PackageContext, resolve: ScopeResolver) {
  return async (req: Request, res: Response) => {
    const requested = req.params.name as string;
    const scope = await resolve(ctx, req, res);
    const normalized = pypiNormalizedName(requested);
    if (normalized !== requested) {
      // PEP 503: the normalised URL is the page's one place; pip follows the redirect.
      res.redirect(301, `${scope.basePath}/simple/${encodeURIComponent(normalized)}/`);
      return;
    }
    const representation = representationOf(req, res);
    const rows = await indexRows(ctx.prisma, scope.projectIds, normalized);
    if (rows.length === 0) throw new PackageNotFoundError('Package');
    const files: IndexFile[] = rows.map((row) => ({
      fileName: row.fileName,
      url: fileUrl(scope, row.sha256, row.fileName),
      sha256: row.sha256,
      size: row.size,
      uploadedAt: row.createdAt,
      version: row.version,
      requiresPython: row.requiresPython,
      coreMetadataSha256: row.coreMetadataSha256,
    }));
    send(
      res,
      representation,
      () => projectPageHtml(normalized, files),
      () => projectPageJson(normalized, files),
    );
  };
}

/** The wheel's METADATA kept at upload, byte for byte, so its hash is the one the index announced. */
function storedCoreMetadata(metadata: unknown): { text: string; sha256: string } | null {
  const fields = metadata as { core_metadata?: unknown; core_metadata_sha256?: unknown } | null;
  const text = fields?.core_metadata;
  const sha256 = fields?.core_metadata_sha256;
  return typeof text === 'string' && typeof sha256 === 'string' ? { text, sha256 } : null;
}

function download(ctx: PackageContext, resolve: ScopeResolver) {
  return async (req: Request, res: Response) => {
    const sha256 = req.params.sha256 as string;
    const fileName = req.params.fileName as string;
    const scope = await resolve(ctx, req, res);
    if (!SHA256.test(sha256)) throw new PackageNotFoundError('File');
    const file = await distributionFileRow(ctx.prisma, scope.projectIds, sha256, fileName);
    if (file) {
      await sendPackageFile(ctx, req, res, file, { attachment: true });
      return;
    }
    if (!fileName.endsWith(METADATA_SUFFIX)) throw new PackageNotFoundError('File');
    const distribution = fileName.slice(0, -METADATA_SUFFIX.length);
    const wheel = await distributionFileRow(ctx.prisma, scope.projectIds, sha256, distribution);
    const metadata = wheel ? storedCoreMetadata(wheel.metadata) : null;
    if (!metadata) throw new PackageNotFoundError('File');
    const body = Buffer.from(metadata.text, 'utf8');
    res.status(200);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Content-Length', String(body.length));
    res.setHeader('ETag', `"${metadata.sha256}"`);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** Mounts the read routes of one scope under `base` (e.g. `/projects/:id/packages/pypi`). */
export function mountIndexRoutes(
  router: Router,
  ctx: PackageContext,
  base: string,
  resolve: ScopeResolver,
): void {
  router.get(`${base}/simple`, projectList(ctx, resolve));
  router.get(`${base}/simple/:name`, projectPage(ctx, resolve));
  router.get(`${base}/files/:sha256/:fileName`, download(ctx, resolve));
}
