import { Router } from 'express';
import { toJwks } from '@stowage/auth';
import type { PrismaClient } from '../generated/prisma/client';
import { publishedKeys } from '../domain/signing-keys';

/**
 * `GET /-/jwks`: the public keys that verify registry tokens (GitLab serves the same at
 * `/-/jwks`). Short caching keeps verifiers from hammering it yet lets a new key spread fast.
 */
export function jwksRouter(prisma: PrismaClient): Router {
  const router = Router();
  router.get('/-/jwks', async (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json(toJwks(await publishedKeys(prisma)));
  });
  return router;
}
