/**
 * Something a request needs is down: the database, blob storage, the broker or a peer service.
 * Not the client's fault and not a bug, so the HTTP boundary answers the protocol's "unavailable"
 * (503 with Retry-After) instead of a 500. Adapters subclass it and throw it in place of their
 * vendor's connection errors; they never choose a status themselves.
 */
export class DependencyUnavailableError extends Error {
  /** Seconds after which a retry is worth trying, sent as `Retry-After`. */
  static readonly DEFAULT_RETRY_AFTER_SECONDS = 5;

  readonly retryAfterSeconds: number;

  constructor(
    /** What is down, for logs and readiness: `database`, `storage`, `broker`, `auth-token`... */
    readonly dependency: string,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DependencyUnavailableError';
    this.retryAfterSeconds =
      options.retryAfterSeconds ?? DependencyUnavailableError.DEFAULT_RETRY_AFTER_SECONDS;
  }
}

/**
 * The DependencyUnavailableError behind `error`, looking through `cause` links: code that wraps a
 * failure in its own error (a job, a domain operation) must not turn an outage into a bug.
 */
export function unavailableCause(error: unknown): DependencyUnavailableError | undefined {
  for (const current of causeChain(error)) {
    if (current instanceof DependencyUnavailableError) return current;
  }
  return undefined;
}

/** `error`, its `cause`, that one's `cause`... (at most 8, in case a chain loops). */
export function* causeChain(error: unknown): Generator<object> {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}
