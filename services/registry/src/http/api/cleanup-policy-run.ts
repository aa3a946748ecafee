import type { RequestHandler } from 'express';
import {
  CLEANUP_POLICY_RUN_QUEUE,
  markCleanupPolicyRunQueued,
  unmarkCleanupPolicyRunQueued,
  type CleanupPolicyRunJob,
} from '@stowage/registry-data';
import { enqueueOrUndo } from './enqueue-job';
import { readableProject, requireDestroy } from './identity-access';
import type { RestApiContext } from './rest-api-context';

/**
 * `POST /projects/:id/registry/cleanup_policy/run` (beyond GitLab; Maintainer+, as deleting
 * images): queues a run of the project's saved policy now, enabled or not, for the
 * cleanup-worker; 202. Its repositories show `cleanup_scheduled` until the run starts.
 */
export function runCleanupPolicyNow(ctx: RestApiContext): RequestHandler {
  return async (req, res) => {
    const { project } = await readableProject(ctx, req, res);
    requireDestroy(project);
    const queuedAt = new Date();
    const { previousQueuedAt } = await markCleanupPolicyRunQueued(ctx.prisma, project.id, queuedAt);
    const job: CleanupPolicyRunJob = { project_id: project.id, queued_at: queuedAt.toISOString() };
    await enqueueOrUndo(ctx, CLEANUP_POLICY_RUN_QUEUE, job, () =>
      unmarkCleanupPolicyRunQueued(ctx.prisma, project.id, queuedAt, previousQueuedAt),
    );
    res.status(202).json({ message: '202 Accepted' });
  };
}
