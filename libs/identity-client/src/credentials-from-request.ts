import type { Request } from 'express';
import { sessionTokenOf } from '@stowage/http';
import type { IdentityCredentials } from './authorize-contract';
import { MalformedCredentialsError } from './errors';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A header's value, or undefined when absent or empty (an empty header carries no credential). */
function header(req: Pick<Request, 'get'>, name: string): string | undefined {
  const value = req.get(name)?.trim();
  return value ? value : undefined;
}

/** A query parameter's value; given twice (an array) it is ambiguous, so refused. */
function queryParameter(req: Pick<Request, 'query'>, name: string): string | undefined {
  const value: unknown = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new MalformedCredentialsError(`${name} must be given once`);
  return value ? value : undefined;
}

function decodeBasic(encoded: string): IdentityCredentials {
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) {
    throw new MalformedCredentialsError('Basic credentials are not base64');
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new MalformedCredentialsError('Basic credentials are not user:password');
  return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function fromAuthorization(value: string): IdentityCredentials | null {
  const match = /^(\S+)(?:\s+(.*))?$/.exec(value);
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2]?.trim() ?? '';
  if (scheme === 'bearer') {
    if (!rest || /\s/.test(rest)) throw new MalformedCredentialsError('Bearer token is missing or malformed');
    return { kind: 'bearer', token: rest };
  }
  if (scheme === 'basic') return decodeBasic(rest);
  // Another scheme (Negotiate, Digest...) carries nothing we understand: as GitLab does, the
  // request goes on as anonymous, and is refused later if the target is not public.
  return null;
}

/**
 * The credentials a client presented, in GitLab's order of precedence: `Private-Token` header
 * or `private_token` parameter, `Job-Token` header or `job_token` parameter, `Deploy-Token`
 * header, `Authorization: Bearer`, `Authorization: Basic`, and last the browser's session
 * cookie, read only when no token header came along (the gateway checked its CSRF token on
 * writes). null when there are none (anonymous).
 *
 * Credentials that cannot even be read (Basic that is not base64 of `user:password`, an empty
 * Bearer token, a token parameter given twice) throw MalformedCredentialsError, a kind of
 * IdentityUnauthorizedError: the boundary answers 401 as for a wrong password, without a call to
 * auth-token. Passing them on as anonymous instead would let a typo look like success on
 * public projects.
 */
export function credentialsFromRequest(
  req: Pick<Request, 'get' | 'query' | 'headers'>,
): IdentityCredentials | null {
  const privateToken = header(req, 'Private-Token') ?? queryParameter(req, 'private_token');
  if (privateToken !== undefined) return { kind: 'private_token', token: privateToken };
  const jobToken = header(req, 'Job-Token') ?? queryParameter(req, 'job_token');
  if (jobToken !== undefined) return { kind: 'job_token', token: jobToken };
  const deployToken = header(req, 'Deploy-Token');
  if (deployToken !== undefined) return { kind: 'deploy_token', token: deployToken };
  const authorization = header(req, 'Authorization');
  if (authorization !== undefined) return fromAuthorization(authorization);
  const session = sessionTokenOf(req.headers);
  return session === undefined ? null : { kind: 'session', token: session };
}
