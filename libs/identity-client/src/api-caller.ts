import type { Request, Response } from 'express';
import { ApiError } from '@stowage/http';
import type { AuthorizeRequest, AuthorizeResponse, TargetRef } from './authorize-contract';
import { credentialsFromRequest } from './credentials-from-request';
import { IdentityThrottledError, IdentityUnauthorizedError, IdentityUnavailableError } from './errors';
import type { IdentityClient } from './identity-client';

/**
 * What a service's GitLab-style REST API needs to ask auth-token about its caller: the caller's
 * credentials read once per request, and auth-token's refusals answered as GitLab answers them.
 */
export interface Caller {
  credentials: AuthorizeRequest['credentials'];
  clientIp: string | undefined;
}

/** Identity failures as GitLab's API answers them: 401, 429 with Retry-After, 503. */
export function identityFailure(error: unknown, res: Response): unknown {
  if (error instanceof IdentityUnauthorizedError) return ApiError.unauthorized();
  if (error instanceof IdentityThrottledError) {
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    return new ApiError(429, { message: '429 Too Many Requests' });
  }
  if (error instanceof IdentityUnavailableError) {
    const failure = new ApiError(503, { message: '503 Service Unavailable' });
    failure.cause = error;
    return failure;
  }
  return error;
}

/** The caller's credentials; unreadable ones answer 401 without asking auth-token. */
export function callerOf(req: Request, res: Response): Caller {
  try {
    return { credentials: credentialsFromRequest(req), clientIp: req.ip };
  } catch (error) {
    throw identityFailure(error, res);
  }
}

/** Asks auth-token which of `abilities` the caller has on the target; failures as GitLab's API. */
export async function authorizeCaller(
  identity: IdentityClient,
  caller: Caller,
  res: Response,
  target: Pick<AuthorizeRequest, 'project' | 'group'>,
  abilities: string[],
): Promise<AuthorizeResponse> {
  try {
    return await identity.authorize({
      credentials: caller.credentials,
      client_ip: caller.clientIp,
      ...target,
      abilities,
    });
  } catch (error) {
    throw identityFailure(error, res);
  }
}

/** `:id` of a project or group: a positive number or a full path; null when it can name nothing. */
export function targetRef(raw: string | undefined): TargetRef | null {
  if (raw === undefined || raw === '') return null;
  if (!/^\d+$/.test(raw)) return raw;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 && id < 2 ** 31 ? id : null;
}
