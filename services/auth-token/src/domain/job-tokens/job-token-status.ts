import type { JobToken } from '../../generated/prisma/client';

export type JobTokenStatus = 'running' | 'finished' | 'expired';

export function jobTokenStatus(token: JobToken, now: Date): JobTokenStatus {
  if (token.finishedAt) return 'finished';
  return token.expiresAt.getTime() <= now.getTime() ? 'expired' : 'running';
}
