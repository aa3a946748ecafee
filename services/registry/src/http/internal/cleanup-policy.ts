import express, { Router } from 'express';
import { ApiError } from '@stowage/http';
import {
  applyCleanupPolicyAttributes,
  findCleanupPolicy,
  InvalidCleanupPolicyError,
  saveCleanupPolicy,
  type CleanupPolicy,
  type PrismaClient,
} from '@stowage/registry-data';
import { cleanupPolicyJson } from './cleanup-policy-json';

/** A handful of short fields. */
const BODY_LIMIT = '16kb';

/** auth-token's project ids are PostgreSQL `integer`s. */
function projectIdOf(raw: string | undefined): number {
  const id = raw !== undefined && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(id > 0 && id <= 2 ** 31 - 1)) throw new ApiError(400, { error: 'project_id is invalid' });
  return id;
}

/**
 * A refused attribute as GitLab's project update words it, keyed by the association and the
 * field: `{"message":{"container_expiration_policy.cadence":["is not included in the list"]}}`.
 */
function refusalOf(error: InvalidCleanupPolicyError): ApiError {
  return ApiError.invalidField(`container_expiration_policy.${error.field}`, error.problem);
}

/** The attributes applied to the current policy, or the 400 naming the first refused one. */
function checkedPolicy(current: CleanupPolicy, attributes: unknown): CleanupPolicy {
  try {
    return applyCleanupPolicyAttributes(current, attributes);
  } catch (error) {
    throw error instanceof InvalidCleanupPolicyError ? refusalOf(error) : error;
  }
}

/**
 * The policies of projects, for auth-token, which owns `PUT /api/v4/projects/:id` and forwards
 * `container_expiration_policy_attributes` here (ADR 0007):
 * - `GET /projects/:project_id/cleanup_policy`: the policy (GitLab's defaults if none was saved);
 * - `PUT /projects/:project_id/cleanup_policy` `{"attributes":{...},"dry_run":true|false}`: the
 *   attributes applied to the current policy, checked field by field (400 naming the first bad
 *   one, nothing saved), and saved unless `dry_run` (next_run_at becomes now + cadence).
 */
export function cleanupPolicyRouter(prisma: PrismaClient): Router {
  const router = Router();
  const path = '/projects/:project_id/cleanup_policy';
  router.get(path, async (req, res) => {
    const policy = await findCleanupPolicy(prisma, projectIdOf(req.params.project_id));
    res.setHeader('Cache-Control', 'no-store');
    res.json(cleanupPolicyJson(policy));
  });
  router.put(path, express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const projectId = projectIdOf(req.params.project_id);
    const body = (req.body ?? {}) as { attributes?: unknown; dry_run?: unknown };
    if (body.attributes === undefined) throw ApiError.missingParameter('attributes');
    const current = await findCleanupPolicy(prisma, projectId);
    const next = checkedPolicy(current, body.attributes);
    const result =
      body.dry_run === true
        ? { ...next, nextRunAt: current.nextRunAt, projectId }
        : await saveCleanupPolicy(prisma, projectId, next, new Date());
    res.json(cleanupPolicyJson(result));
  });
  return router;
}
