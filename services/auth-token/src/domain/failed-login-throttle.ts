import { RateLimiterMemory } from 'rate-limiter-flexible';

export interface FailedLoginThrottleOptions {
  /** Failures allowed within the window; the next one starts the ban. */
  limit: number;
  windowSeconds: number;
  banSeconds: number;
}

/**
 * Counts failed sign-ins per source address and refuses a source that failed too often, as
 * GitLab's Rack::Attack does for Git and registry clients. Counts live in this process: with
 * several auth-token replicas a guesser gets `limit` tries per replica, still bounded.
 */
export class FailedLoginThrottle {
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly options: FailedLoginThrottleOptions) {
    this.limiter = new RateLimiterMemory({
      points: Math.max(1, options.limit),
      duration: Math.max(1, options.windowSeconds),
      blockDuration: Math.max(1, options.banSeconds),
    });
  }

  /** Seconds until `source` may try again, or null when it may try now. */
  async retryAfterSeconds(source: string): Promise<number | null> {
    const state = await this.limiter.get(source);
    if (!state || state.consumedPoints <= this.options.limit) return null;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }

  /** Records a failure; the one past the limit bans the source for `banSeconds`. */
  async recordFailure(source: string): Promise<void> {
    // consume() rejects once the limit is passed; the ban is what we want, not an error.
    await this.limiter.consume(source).catch(() => undefined);
  }
}
