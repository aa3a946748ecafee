import { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '@stowage/http';
import type { ApplicationSetting } from '../../generated/prisma/client';
import {
  readApplicationSettings,
  updateApplicationSettings,
} from '../../domain/settings/application-settings';
import { audit } from '../audit';
import type { ApiContext } from './api-context';
import { requireAdmin } from './api-principal';
import { booleanParam, parseParams } from './params';

const updateBody = z.object({ package_registry_allow_anyone_to_pull_option: booleanParam.optional() });

function presentSettings(settings: ApplicationSetting) {
  return {
    id: settings.id,
    package_registry_allow_anyone_to_pull_option: settings.packageRegistryAllowAnyoneToPullOption,
    updated_at: settings.updatedAt.toISOString(),
  };
}

/** GitLab's instance settings API, with the settings this suite has. Admins only. */
export function applicationSettingsRouter(context: ApiContext): Router {
  const router = Router();
  const { prisma } = context;

  router.get('/application/settings', async (_req, res) => {
    requireAdmin(res);
    res.json(presentSettings(await readApplicationSettings(prisma)));
  });

  router.put('/application/settings', async (req, res) => {
    const actor = requireAdmin(res);
    const body = parseParams(updateBody, req.body);
    const allow = body.package_registry_allow_anyone_to_pull_option;
    if (allow === undefined) {
      // Grape's at_least_one_of wording.
      throw new ApiError(400, {
        error:
          'package_registry_allow_anyone_to_pull_option are missing, at least one parameter must be provided',
      });
    }
    const settings = await updateApplicationSettings(prisma, {
      packageRegistryAllowAnyoneToPullOption: allow,
    });
    audit(req.log, 'settings.changed', {
      actor_id: actor.id,
      package_registry_allow_anyone_to_pull_option: allow,
    });
    context.nudgeOutbox();
    res.json(presentSettings(settings));
  });

  return router;
}
