import type { S3Client } from '@aws-sdk/client-s3';
import { isNetworkFailure } from '@stowage/errors';
import { StorageUnavailableError } from '../errors';
import { s3ErrorCode, s3Status } from './s3-errors';

/** Statuses with which S3 and its look-alikes say "not now" rather than "not so". */
const UNAVAILABLE_STATUSES = new Set([500, 502, 503, 504]);

/** True when an SDK error means the server is down or overloaded, not that the request was wrong. */
export function isS3Outage(error: unknown): boolean {
  if (error instanceof StorageUnavailableError) return false;
  const status = s3Status(error);
  if (status !== undefined && UNAVAILABLE_STATUSES.has(status)) return true;
  if (s3ErrorCode(error) === 'SlowDown') return true;
  return isNetworkFailure(error);
}

/**
 * Makes every command the client sends (including those of lib-storage's Upload and of the
 * paginators) reject with StorageUnavailableError when storage is down. It sits at the outermost
 * step, so the SDK's own retries have run first; the adapters' per-call translations of NoSuchKey
 * and friends see every other error unchanged.
 */
export function translateOutages(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (!isS3Outage(error)) throw error;
        throw new StorageUnavailableError(
          `S3 ${context.commandName ?? 'request'} failed: storage is unavailable`,
          {
            cause: error,
          },
        );
      }
    },
    { step: 'initialize', name: 'stowageTranslateOutages', priority: 'high' },
  );
}
