import type { Request, Response } from 'express';
import {
  booleanParam,
  enumParam,
  optionalString,
  pageOf,
  setPaginationHeaders,
  slicePage,
  type Page,
  type Params,
} from '@stowage/http';
import {
  countTagsByRepository,
  lastPublishedAtByRepository,
  listRepositoriesOfProjects,
  sizesByRepository,
  tagNamesByRepository,
  type Repository,
} from '@stowage/registry-data';
import type { ProjectGrant } from './identity-access';
import { repositoryJson, repositoryName } from './repository-json';
import {
  REPOSITORY_ORDERS,
  SORTS,
  sortRepositories,
  type RepositoryOrder,
  type Sort,
} from './repository-order';
import type { RestApiContext } from './rest-api-context';

/** What project and group listings share: `name`, `order_by`, `sort` and the optional fields. */

/** The optional fields of a repository (`tags`, `tags_count`, `size`), as asked for. */
export interface RepositoryFields {
  tags: boolean;
  tagsCount: boolean;
  size: boolean;
}

export function repositoryFieldsParams(params: Params): RepositoryFields {
  return {
    tags: booleanParam(params, 'tags'),
    tagsCount: booleanParam(params, 'tags_count'),
    size: booleanParam(params, 'size'),
  };
}

/** GitLab's `name` search: the repository names containing the text, in any case. */
function filterByName(
  repositories: Repository[],
  name: string | undefined,
  projects: Map<number, ProjectGrant>,
): Repository[] {
  if (!name) return repositories;
  const needle = name.toLowerCase();
  return repositories.filter((repository) => {
    const project = projects.get(repository.projectId);
    return project !== undefined && repositoryName(repository, project.fullPath).includes(needle);
  });
}

export interface RepositoryListParams {
  fields: RepositoryFields;
  name: string | undefined;
  order: { orderBy: RepositoryOrder; sort: Sort };
  page: Page;
}

/** A listing's parameters, read (and refused with 400) before any lookup. */
export function repositoryListParams(req: Request): RepositoryListParams {
  const params = req.query as Params;
  return {
    fields: repositoryFieldsParams(params),
    name: optionalString(params, 'name'),
    order: {
      orderBy: enumParam(params, 'order_by', REPOSITORY_ORDERS, 'id'),
      sort: enumParam(params, 'sort', SORTS, 'asc'),
    },
    page: pageOf(req),
  };
}

/** Answers a listing of the projects' repositories: one page, with its pagination headers. */
export async function sendRepositoryPage(
  ctx: RestApiContext,
  req: Request,
  res: Response,
  projects: Map<number, ProjectGrant>,
  { fields, name, order, page }: RepositoryListParams,
): Promise<void> {
  const all = await listRepositoriesOfProjects(ctx.prisma, [...projects.keys()]);
  const matching = filterByName(all, name, projects);
  // Ordering by publication needs every repository's time; the other orders only the page's.
  const published =
    order.orderBy === 'last_published_at'
      ? await lastPublishedAtByRepository(
          ctx.prisma,
          matching.map((repository) => repository.id),
        )
      : undefined;
  const sorted = sortRepositories(matching, order, projects, published ?? new Map());
  setPaginationHeaders(req, res, ctx.externalUrl, page, sorted.length);
  res.json(await presentRepositories(ctx, slicePage(sorted, page), projects, fields, published));
}

/**
 * The repositories as GitLab shows them, with the fields asked for; a few queries for the whole
 * list, none per repository. `published` is reused when the caller already read it.
 */
export async function presentRepositories(
  ctx: RestApiContext,
  repositories: Repository[],
  projects: Map<number, ProjectGrant>,
  fields: RepositoryFields,
  published?: Map<bigint, Date | null>,
) {
  const ids = repositories.map((repository) => repository.id);
  const [names, counts, sizes, lastPublished] = await Promise.all([
    fields.tags ? tagNamesByRepository(ctx.prisma, ids) : undefined,
    fields.tagsCount ? countTagsByRepository(ctx.prisma, ids) : undefined,
    fields.size ? sizesByRepository(ctx.prisma, ids) : undefined,
    published ?? lastPublishedAtByRepository(ctx.prisma, ids),
  ]);
  return repositories.map((repository) => {
    const project = projects.get(repository.projectId)!;
    return repositoryJson(ctx, repository, project.fullPath, {
      canDestroy: project.canDestroy,
      lastPublishedAt: lastPublished.get(repository.id) ?? null,
      tags: names?.get(repository.id),
      tagsCount: counts?.get(repository.id),
      size: sizes?.get(repository.id),
    });
  });
}
