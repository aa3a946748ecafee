/** A bearer token and when to stop using it. */
interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * Bearer tokens per (realm, service, scope), and the token requests in flight, so that concurrent
 * pulls of one image make one token request and later pulls none until the token expires.
 */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The cached token for `key`, else the one `fetch` gets (shared with concurrent callers). */
  async get(key: string, fetch: () => Promise<{ token: string; expiresInSeconds: number }>): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.token;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const fetching = (async () => {
      try {
        const { token, expiresInSeconds } = await fetch();
        this.prune();
        // Stop a tenth early: the token must still be valid when the upstream checks it.
        this.tokens.set(key, { token, expiresAt: this.now() + expiresInSeconds * 900 });
        return token;
      } finally {
        this.pending.delete(key);
      }
    })();
    this.pending.set(key, fetching);
    return fetching;
  }

  /** Forgets `token` for `key` (the upstream refused it) unless a newer one replaced it already. */
  invalidate(key: string, token: string): void {
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }

  /** Drops expired tokens, so a proxy asked for many images does not keep one per image forever. */
  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.tokens) {
      if (entry.expiresAt <= now) this.tokens.delete(key);
    }
  }
}
