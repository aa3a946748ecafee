import type { RequestHandler } from 'express';
import { ApiError, invalidParam, optionalCount, optionalString, type Params } from '@stowage/http';
import {
  BULK_TAG_DELETE_QUEUE,
  claimBulkTagDeletion,
  parseOlderThan,
  releaseBulkTagDeletion,
  type BulkTagDeleteJob,
} from '@stowage/registry-data';
import { enqueueOrUndo } from './enqueue-job';
import { readableProject, requireDestroy } from './identity-access';
import { repositoryOfProject } from './project-repository';
import type { RestApiContext } from './rest-api-context';
import { checkTagNamePattern } from './tag-name-pattern';

/** GitLab's words for a second request within the hour. */
export const ONCE_AN_HOUR =
  'This request has already been made. You can run this at most once an hour for a given container repository';

type BulkRules = Omit<BulkTagDeleteJob, 'repository_id' | 'requested_at'>;

/** The request's rules, or the 400 that names what is wrong (nothing is stored before this). */
function bulkRulesOf(params: Params): BulkRules {
  const nameRegexDelete = optionalString(params, 'name_regex_delete');
  // `name_regex` is the deprecated name of `name_regex_delete`; GitLab accepts either.
  const nameRegex = optionalString(params, 'name_regex');
  const nameRegexKeep = optionalString(params, 'name_regex_keep');
  const deletePattern = nameRegexDelete ?? nameRegex;
  if (deletePattern === undefined) throw ApiError.missingParameter('name_regex_delete');
  if (nameRegexDelete !== undefined) checkTagNamePattern('name_regex_delete', nameRegexDelete);
  if (nameRegex !== undefined) checkTagNamePattern('name_regex', nameRegex);
  if (nameRegexKeep !== undefined) checkTagNamePattern('name_regex_keep', nameRegexKeep);
  const olderThan = optionalString(params, 'older_than');
  if (olderThan !== undefined && parseOlderThan(olderThan) === null) throw invalidParam('older_than');
  return {
    name_regex_delete: deletePattern,
    name_regex_keep: nameRegexKeep ?? null,
    keep_n: optionalCount(params, 'keep_n') ?? null,
    older_than: olderThan ?? null,
  };
}

const isRecord = (value: unknown): value is Params =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `DELETE /projects/:id/registry/repositories/:repository_id/tags`: accepts a bulk deletion
 * (at most one per repository an hour) and queues it for the cleanup-worker; 202.
 */
export function bulkDeleteTags(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const { project } = await readableProject(ctx, req, res);
    // As with Grape, parameters may come in the query string or the body (form or JSON).
    const rules = bulkRulesOf({ ...(req.query as Params), ...(isRecord(req.body) ? req.body : {}) });
    const repository = await repositoryOfProject(ctx, project.id, req.params.repository_id as string);
    requireDestroy(project);
    const now = new Date();
    const claim = await claimBulkTagDeletion(ctx.prisma, repository, now);
    if (!claim) throw new ApiError(400, { message: ONCE_AN_HOUR });
    const job: BulkTagDeleteJob = {
      repository_id: Number(repository.id),
      ...rules,
      requested_at: now.toISOString(),
    };
    await enqueueOrUndo(ctx, BULK_TAG_DELETE_QUEUE, job, () =>
      releaseBulkTagDeletion(ctx.prisma, repository.id, now, claim.previous),
    );
    res.status(202).end();
  };
}
