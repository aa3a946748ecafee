import { Router } from 'express';
import { readApplicationSettings } from '../domain/settings/application-settings';
import type { ApiContext } from './api/api-context';

/**
 * `GET /settings/container-registry-cleanup` (under `/internal/v1`): the cleanup limits an admin
 * sets through `PUT /api/v4/application/settings`, for the cleanup-workers, which ask at run
 * time (ADR 0007), under GitLab's names.
 */
export function cleanupSettingsRouter(context: ApiContext): Router {
  const router = Router();
  router.get('/settings/container-registry-cleanup', async (_req, res) => {
    const settings = await readApplicationSettings(context.prisma);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      container_registry_expiration_policies_worker_capacity:
        settings.containerRegistryExpirationPoliciesWorkerCapacity,
      container_registry_delete_tags_service_timeout: settings.containerRegistryDeleteTagsServiceTimeout,
      container_registry_cleanup_tags_service_max_list_size:
        settings.containerRegistryCleanupTagsServiceMaxListSize,
    });
  });
  return router;
}
