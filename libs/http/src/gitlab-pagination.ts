import type { Request, Response } from 'express';
import { ApiError } from './errors';

export interface Page {
  page: number;
  perPage: number;
  /** Rows to skip and take, for Prisma's `skip`/`take`. */
  skip: number;
  take: number;
}

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

function positiveInteger(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw) || Number(raw) < 1) {
    throw new ApiError(400, { error: `${name} is invalid` });
  }
  return Number(raw);
}

/** GitLab's offset pagination: `page` from 1, `per_page` 20 by default and at most 100. */
export function pageOf(req: Request): Page {
  const page = positiveInteger(req.query.page, 'page', 1);
  const perPage = Math.min(positiveInteger(req.query.per_page, 'per_page', DEFAULT_PER_PAGE), MAX_PER_PAGE);
  return { page, perPage, skip: (page - 1) * perPage, take: perPage };
}

/**
 * Sets GitLab's pagination headers: X-Total, X-Total-Pages, X-Per-Page, X-Page, X-Next-Page,
 * X-Prev-Page and a Link header whose URLs keep the request's other query parameters.
 */
export function setPaginationHeaders(
  req: Request,
  res: Response,
  externalUrl: string,
  page: Page,
  total: number,
): void {
  const totalPages = Math.max(1, Math.ceil(total / page.perPage));
  const next = page.page < totalPages ? page.page + 1 : undefined;
  const prev = page.page > 1 ? Math.min(page.page - 1, totalPages) : undefined;
  res.setHeader('X-Total', String(total));
  res.setHeader('X-Total-Pages', String(totalPages));
  res.setHeader('X-Per-Page', String(page.perPage));
  res.setHeader('X-Page', String(page.page));
  res.setHeader('X-Next-Page', next ? String(next) : '');
  res.setHeader('X-Prev-Page', prev ? String(prev) : '');
  const url = new URL(req.originalUrl, externalUrl.replace(/\/?$/, '/'));
  const link = (target: number, rel: string) => {
    url.searchParams.set('page', String(target));
    url.searchParams.set('per_page', String(page.perPage));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links = [];
  if (prev) links.push(link(prev, 'prev'));
  if (next) links.push(link(next, 'next'));
  links.push(link(1, 'first'), link(totalPages, 'last'));
  res.setHeader('Link', links.join(', '));
}

/** One page of rows already in memory. */
export function slicePage<T>(rows: readonly T[], page: Page): T[] {
  return rows.slice(page.skip, page.skip + page.take);
}
