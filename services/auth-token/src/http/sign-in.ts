import type { Logger } from '@stowage/logging';
import { authenticate } from '../domain/authenticate';
import type { Credentials } from '../domain/credentials';
import type { Principal } from '../domain/principal';
import type { ApiContext } from './api/api-context';
import { audit } from './audit';

export type SignInResult =
  | { outcome: 'signed_in'; principal: Principal }
  | { outcome: 'throttled'; retryAfterSeconds: number }
  | { outcome: 'failed' }
  /** A session cookie that names no live session: the client is anonymous, not guessing. */
  | { outcome: 'anonymous' };

/**
 * Checks credentials the way registry and package clients present them, with the failed-login
 * throttle around it: a source that failed too often is refused before its credentials are even
 * looked at, and every failure counts against it and leaves an audit line (never the secret).
 * Without a `source` nothing is counted (the caller could not say who the client was).
 */
export async function signIn(
  context: Pick<ApiContext, 'prisma' | 'throttle'>,
  log: Logger,
  /** null: credentials of a kind this endpoint does not take, which fail like wrong ones. */
  credentials: Credentials | null,
  source: string | undefined,
  via: string,
): Promise<SignInResult> {
  if (credentials?.kind === 'session') {
    // A session's secret has 256 random bits: nobody guesses one, so the throttle has nothing to
    // guard. A dead one (expired, signed out, user blocked) is a tab left open, which must
    // neither be banned nor get its address banned: it simply browses anonymously.
    const principal = await authenticate(context.prisma, credentials);
    return principal ? { outcome: 'signed_in', principal } : { outcome: 'anonymous' };
  }
  const who = {
    kind: credentials?.kind ?? 'unsupported',
    ...(credentials?.kind === 'basic' ? { username: credentials.username } : {}),
    ...(credentials?.kind === 'password' ? { username: credentials.login } : {}),
    source,
    via,
  };
  if (source !== undefined) {
    const retryAfterSeconds = await context.throttle.retryAfterSeconds(source);
    if (retryAfterSeconds !== null) {
      audit(log, 'login.throttled', who);
      return { outcome: 'throttled', retryAfterSeconds };
    }
  }
  const principal = credentials ? await authenticate(context.prisma, credentials) : null;
  if (principal) return { outcome: 'signed_in', principal };
  if (source !== undefined) await context.throttle.recordFailure(source);
  audit(log, 'login.failed', who);
  return { outcome: 'failed' };
}
