import { DependencyUnavailableError } from '@stowage/errors';

/** auth-token refused the credentials (401): unknown, revoked or expired token, wrong password, blocked user. */
export class IdentityUnauthorizedError extends Error {
  constructor(message = 'the credentials were not accepted') {
    super(message);
    this.name = 'IdentityUnauthorizedError';
  }
}

/**
 * The request's credentials could not even be read (Basic that is not base64 of `user:password`,
 * an empty Bearer token, a token parameter given twice). A kind of IdentityUnauthorizedError, so
 * a boundary that answers 401 for one answers 401 for both, without asking auth-token.
 */
export class MalformedCredentialsError extends IdentityUnauthorizedError {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedCredentialsError';
  }
}

/** auth-token is throttling this client after too many failed sign-ins (429). */
export class IdentityThrottledError extends Error {
  constructor(
    /** From `Retry-After`, when auth-token sent one. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super('too many failed sign-ins; try again later');
    this.name = 'IdentityThrottledError';
  }
}

/**
 * auth-token could not give an answer: unreachable, timed out, a 5xx, or a reply outside the
 * contract (a 403 means INTERNAL_API_SECRET differs between the services). Not the client's fault.
 */
export class IdentityUnavailableError extends DependencyUnavailableError {
  /** HTTP status auth-token answered, when it answered at all. */
  readonly status: number | undefined;

  constructor(message: string, options: { cause?: unknown; status?: number } = {}) {
    super('auth-token', message, { cause: options.cause });
    this.name = 'IdentityUnavailableError';
    this.status = options.status;
  }
}
