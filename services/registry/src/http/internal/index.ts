import { Router } from 'express';
import { requireInternalSecret } from '@stowage/http';
import type { PrismaClient } from '@stowage/registry-data';
import { cleanupPolicyRouter } from './cleanup-policy';
import { tagsPresentRouter } from './tags-present';

export interface RegistryInternalApiContext {
  prisma: PrismaClient;
  /** Secret callers must send in X-Stowage-Internal-Secret (auth-token's INTERNAL_API_SECRET); empty: none. */
  internalApiSecret: string;
}

/**
 * The registry's internal API for other services, mounted at `/internal/v1` (never routed by the
 * gateway): what auth-token asks before a project's full path changes, and the projects'
 * cleanup policies, which auth-token's project API reads and writes here.
 */
export function registryInternalApi(context: RegistryInternalApiContext): Router {
  const router = Router();
  router.use(requireInternalSecret(context.internalApiSecret));
  router.use(tagsPresentRouter(context.prisma));
  router.use(cleanupPolicyRouter(context.prisma));
  return router;
}
