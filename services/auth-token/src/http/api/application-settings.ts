import { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '@stowage/http';
import type { ApplicationSetting } from '../../generated/prisma/client';
import {
  MAX_TOKEN_EXPIRE_DELAY_MINUTES,
  readApplicationSettings,
  registryTokenLifetimeSeconds,
  updateApplicationSettings,
  type SettingsChanges,
} from '../../domain/settings/application-settings';
import { audit } from '../audit';
import type { ApiContext } from './api-context';
import { requireAdmin } from './api-principal';
import { booleanParam, parseParams } from './params';

const count = z.coerce
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

const updateBody = z.object({
  package_registry_allow_anyone_to_pull_option: booleanParam.optional(),
  container_registry_expiration_policies_worker_capacity: count.optional(),
  container_registry_delete_tags_service_timeout: count.optional(),
  // At least one: a run that may delete nothing could never finish.
  container_registry_cleanup_tags_service_max_list_size: count.min(1).optional(),
  container_registry_token_expire_delay: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_TOKEN_EXPIRE_DELAY_MINUTES)
    .optional(),
});

type UpdateBody = z.output<typeof updateBody>;

function changesOf(body: UpdateBody): SettingsChanges {
  return {
    packageRegistryAllowAnyoneToPullOption: body.package_registry_allow_anyone_to_pull_option,
    containerRegistryExpirationPoliciesWorkerCapacity:
      body.container_registry_expiration_policies_worker_capacity,
    containerRegistryDeleteTagsServiceTimeout: body.container_registry_delete_tags_service_timeout,
    containerRegistryCleanupTagsServiceMaxListSize:
      body.container_registry_cleanup_tags_service_max_list_size,
    containerRegistryTokenExpireDelay: body.container_registry_token_expire_delay,
  };
}

function presentSettings(settings: ApplicationSetting, registryTokenTtlSeconds: number) {
  return {
    id: settings.id,
    package_registry_allow_anyone_to_pull_option: settings.packageRegistryAllowAnyoneToPullOption,
    container_registry_expiration_policies_worker_capacity:
      settings.containerRegistryExpirationPoliciesWorkerCapacity,
    container_registry_delete_tags_service_timeout: settings.containerRegistryDeleteTagsServiceTimeout,
    container_registry_cleanup_tags_service_max_list_size:
      settings.containerRegistryCleanupTagsServiceMaxListSize,
    // Whole minutes, as GitLab shows it, also while REGISTRY_TOKEN_TTL_SECONDS decides.
    container_registry_token_expire_delay: Math.ceil(
      registryTokenLifetimeSeconds(settings, registryTokenTtlSeconds) / 60,
    ),
    updated_at: settings.updatedAt.toISOString(),
  };
}

/** GitLab's instance settings API, with the settings this suite has. Admins only. */
export function applicationSettingsRouter(context: ApiContext): Router {
  const router = Router();
  const { prisma } = context;
  const present = (settings: ApplicationSetting) =>
    presentSettings(settings, context.registryTokenTtlSeconds);

  router.get('/application/settings', async (_req, res) => {
    requireAdmin(res);
    res.json(present(await readApplicationSettings(prisma)));
  });

  router.put('/application/settings', async (req, res) => {
    const actor = requireAdmin(res);
    const body = parseParams(updateBody, req.body);
    const changes = Object.fromEntries(
      Object.entries(changesOf(body)).filter(([, value]) => value !== undefined),
    ) as SettingsChanges;
    if (Object.keys(changes).length === 0) {
      // Grape's at_least_one_of wording.
      throw new ApiError(400, {
        error: `${Object.keys(updateBody.shape).join(', ')} are missing, at least one parameter must be provided`,
      });
    }
    const settings = await updateApplicationSettings(prisma, changes);
    const sent = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
    audit(req.log, 'settings.changed', { actor_id: actor.id, ...sent });
    context.nudgeOutbox();
    res.json(present(settings));
  });

  return router;
}
