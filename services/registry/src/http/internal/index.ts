import { Router } from 'express';
import type { PrismaClient } from '@stowage/registry-data';

/** The registry's internal API for other services (never routed by the gateway). */
export function registryInternalApi(_context: { prisma: PrismaClient; internalApiSecret: string }): Router {
  return Router();
}
