import type { JobToken, PrismaClient } from '../../generated/prisma/client';
import { newToken } from '../tokens';

/** A job token lives an hour unless the CI system asks otherwise, and never more than a day. */
export const JOB_TOKEN_DEFAULT_TTL_SECONDS = 3600;
export const JOB_TOKEN_MAX_TTL_SECONDS = 86_400;

export interface JobTokenInput {
  projectId: number;
  userId: number;
  jobId: string | null;
  /** The pipeline the job runs in, when the CI system says; package build infos record it. */
  pipeline: { id: number; ref: string | null; sha: string | null } | null;
  expiresInSeconds: number;
}

/** Stores a new job token's digest (never the token) and hands back the secret once. */
export async function issueJobToken(
  prisma: Pick<PrismaClient, 'jobToken'>,
  input: JobTokenInput,
  now: Date = new Date(),
): Promise<{ row: JobToken; token: string }> {
  const { token, digest } = newToken('jobToken');
  const row = await prisma.jobToken.create({
    data: {
      projectId: input.projectId,
      userId: input.userId,
      jobId: input.jobId,
      pipelineId: input.pipeline?.id ?? null,
      ref: input.pipeline?.ref ?? null,
      sha: input.pipeline?.sha ?? null,
      tokenDigest: digest,
      expiresAt: new Date(now.getTime() + input.expiresInSeconds * 1000),
    },
  });
  return { row, token };
}
