import type { Logger } from '@stowage/logging';
import type { SecretCipher } from '@stowage/secrets';
import type { PrismaClient } from '../generated/prisma/client';
import { pruneRetiredKeys, rotateIfDue } from './signing-keys';

const CHECK_EVERY_MS = 60 * 60 * 1000;

/**
 * Hourly (and once at start): rotate the signing key when it is due and delete retired keys no
 * token can still need. Replicas may all run it: the work is idempotent under the keys' lock.
 */
export function startKeyRotation(options: {
  prisma: PrismaClient;
  cipher: SecretCipher;
  maxAgeDays: number;
  tokenTtlSeconds: number;
  logger: Logger;
  /** Called after keys changed, to wake the outbox relay. */
  onChange(): void;
}): { stop(): void } {
  const { prisma, cipher, logger } = options;
  const check = async () => {
    try {
      const rotated = await rotateIfDue(prisma, cipher, options.maxAgeDays);
      if (rotated) logger.info('signing key rotation started', { kid: rotated });
      const pruned = await pruneRetiredKeys(prisma, options.tokenTtlSeconds);
      if (pruned.length > 0) logger.info('retired signing keys removed', { kids: pruned });
      if (rotated || pruned.length > 0) options.onChange();
    } catch (error) {
      logger.warn('signing key rotation check failed; will retry', { error: (error as Error).message });
    }
  };
  void check();
  const timer = setInterval(() => void check(), CHECK_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
