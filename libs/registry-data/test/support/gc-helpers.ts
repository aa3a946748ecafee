import { sleep } from '@stowage/testing';
import { reviewDueBlobs, reviewDueManifests, setGcReviewDelay, type PrismaClient } from '../../src';

/** The review delay these tests use: short, so "after the delay" is a real wait. */
export const TEST_REVIEW_DELAY_MS = 1000;

export async function useTestReviewDelay(prisma: PrismaClient): Promise<void> {
  await setGcReviewDelay(prisma, TEST_REVIEW_DELAY_MS);
}

/** Waits out the review delay (and a little more), so what was queued until now is due. */
export function afterTheDelay(): Promise<void> {
  return sleep(TEST_REVIEW_DELAY_MS + 150);
}

/** Runs manifest and blob reviews until a pass finds nothing due. */
export async function reviewEverythingDue(prisma: PrismaClient): Promise<void> {
  for (;;) {
    const manifests = await reviewDueManifests(prisma, { batchSize: 50 });
    const blobs = await reviewDueBlobs(prisma, { batchSize: 50 });
    if (manifests.reviewed + manifests.postponed + blobs.reviewed + blobs.postponed === 0) return;
  }
}

/** Deleted manifests, then their blobs, each after its own delay: the whole collection of a tag. */
export async function collectAfterTwoDelays(prisma: PrismaClient): Promise<void> {
  await afterTheDelay();
  await reviewEverythingDue(prisma);
  await afterTheDelay();
  await reviewEverythingDue(prisma);
}

export async function blobRowExists(prisma: PrismaClient, digest: string): Promise<boolean> {
  return (await prisma.blob.count({ where: { digest } })) === 1;
}

export async function storageDeletionQueued(prisma: PrismaClient, digest: string): Promise<boolean> {
  return (await prisma.gcStorageDeletion.count({ where: { digest } })) === 1;
}
