import { createHash } from 'node:crypto';
import type { EventBus, Subscription } from '@stowage/bus';
import { AnswerCache } from './answer-cache';
import type { AuthorizeRequest, AuthorizeResponse, IdentityCredentials } from './authorize-contract';
import { IdentityThrottledError, IdentityUnauthorizedError, IdentityUnavailableError } from './errors';
import { parseAuthorizeResponse } from './parse-authorize-response';
import { callInternalApi, type InternalAnswer } from '@stowage/http';

export interface IdentityClientOptions {
  /** auth-token's base URL, e.g. `http://auth-token:5001`. */
  authTokenUrl: string;
  /** Sent as `X-Stowage-Internal-Secret` when set (auth-token's INTERNAL_API_SECRET). */
  internalSecret?: string;
  /** How long a successful answer is reused. Default 10 s; 0 turns caching off. */
  cacheTtlMs?: number;
  /** Most answers kept; the oldest are dropped first. Default 10,000. */
  maxEntries?: number;
  /** Deadline of one call, body included. Default 5 s. */
  timeoutMs?: number;
}

export interface IdentityClient {
  /**
   * Asks auth-token who the credentials belong to and which of the abilities they have on the
   * target. Resolves with the answer (reused for `cacheTtlMs` for the same credentials, target
   * and abilities); rejects with IdentityUnauthorizedError (401), IdentityThrottledError (429)
   * or IdentityUnavailableError (unreachable, timeout, 5xx, an answer outside the contract).
   */
  authorize(request: AuthorizeRequest): Promise<AuthorizeResponse>;
  /**
   * Clears the cache whenever any identity event arrives, on every replica (each has its own
   * cache). Clearing everything is coarse but cannot miss a dependency between an event and an
   * answer (a membership, a group rename, a revoked token); answers are cheap to fetch again.
   */
  invalidateOnIdentityEvents(events: EventBus, name: string): Promise<Subscription>;
  /** Forgets every cached answer, including those of requests in flight. */
  clearCache(): void;
}

export const IDENTITY_EVENTS = 'identity.#';
const DEFAULTS = { cacheTtlMs: 10_000, maxEntries: 10_000, timeoutMs: 5_000 };

/** Credentials as a fixed-order array, so equal credentials always serialise alike. */
function canonicalCredentials(credentials: IdentityCredentials | null): unknown {
  if (credentials === null) return null;
  if (credentials.kind === 'basic') return ['basic', credentials.username, credentials.password];
  return [credentials.kind, credentials.token];
}

/**
 * The cache key: a SHA-256 of everything the answer depends on, so no token or password sits in
 * memory as a key. `client_ip` is left out: it only matters for throttling failed sign-ins, and
 * failures are never cached.
 */
function cacheKey(request: AuthorizeRequest): string {
  const abilities = [...new Set(request.abilities)].sort();
  const material = JSON.stringify([
    canonicalCredentials(request.credentials),
    request.project ?? null,
    request.group ?? null,
    abilities,
  ]);
  return createHash('sha256').update(material).digest('hex');
}

/** `Retry-After` in seconds: either delta-seconds or an HTTP date (RFC 9110). */
function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

export function createIdentityClient(options: IdentityClientOptions): IdentityClient {
  const base = new URL(options.authTokenUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new TypeError(`authTokenUrl must be an http(s) URL, got ${JSON.stringify(options.authTokenUrl)}`);
  }
  const endpoint = new URL('internal/v1/authorize', base.href.endsWith('/') ? base : `${base.href}/`).href;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const cache = new AnswerCache<AuthorizeResponse>(
    options.cacheTtlMs ?? DEFAULTS.cacheTtlMs,
    options.maxEntries ?? DEFAULTS.maxEntries,
  );
  // Identical requests at the same time share one call (an npm install asks many at once).
  const inFlight = new Map<string, Promise<AuthorizeResponse>>();

  async function call(request: AuthorizeRequest): Promise<AuthorizeResponse> {
    let response: InternalAnswer;
    try {
      response = await callInternalApi(endpoint, request, { secret: options.internalSecret, timeoutMs });
    } catch (error) {
      throw new IdentityUnavailableError('auth-token did not answer the authorize call', { cause: error });
    }
    if (response.status === 401) throw new IdentityUnauthorizedError();
    if (response.status === 429)
      throw new IdentityThrottledError(parseRetryAfter(response.headers.get('retry-after')));
    if (response.status !== 200) {
      throw new IdentityUnavailableError(`auth-token answered the authorize call with ${response.status}`, {
        status: response.status,
      });
    }
    const answer = parseAuthorizeResponse(response.body);
    if (!answer)
      throw new IdentityUnavailableError('auth-token answered the authorize call outside the contract');
    return answer;
  }

  const client: IdentityClient = {
    async authorize(request) {
      const key = cacheKey(request);
      const cached = cache.get(key);
      if (cached) return cached;
      const generation = cache.generation;
      const flightKey = `${generation}:${key}`;
      let pending = inFlight.get(flightKey);
      if (!pending) {
        pending = call(request).finally(() => inFlight.delete(flightKey));
        inFlight.set(flightKey, pending);
      }
      const answer = await pending;
      cache.set(key, answer, generation);
      return answer;
    },

    invalidateOnIdentityEvents(events, name) {
      return events.subscribeEveryReplica(name, [IDENTITY_EVENTS], async () => client.clearCache());
    },

    clearCache() {
      cache.clear();
    },
  };
  return client;
}
