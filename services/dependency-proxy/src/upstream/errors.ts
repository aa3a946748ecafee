import { DependencyUnavailableError } from '@stowage/errors';

/**
 * The upstream could not be asked: connection refused or reset, a timeout, a 5xx or a 429. The
 * caching service serves what it has cached instead, so this is an outage and not a bug.
 */
export class UpstreamUnavailableError extends DependencyUnavailableError {
  constructor(
    readonly upstream: string,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(`upstream ${upstream}`, message, options);
    this.name = 'UpstreamUnavailableError';
  }
}

/**
 * The upstream answered, but with something that must not be cached: a manifest whose bytes do not
 * match its digest, a blob cut short, an unexpected status or media type, a manifest over the size
 * limit. Retrying soon would most likely get the same answer.
 */
export class UpstreamInvalidResponseError extends Error {
  constructor(
    readonly upstream: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`upstream ${upstream}: ${message}`, options);
    this.name = 'UpstreamInvalidResponseError';
  }
}

/** The upstream refused us (401/403) even after following its challenge with the configured credentials. */
export class UpstreamAuthError extends Error {
  constructor(
    readonly upstream: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`upstream ${upstream}: ${message}`, options);
    this.name = 'UpstreamAuthError';
  }
}
