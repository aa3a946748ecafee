import { isCredential, isUserId } from './identity-claims';
import type { VerifiedToken } from './verified-token';

export interface RevocationListOptions {
  /**
   * The longest a token checked against this list can stay valid after it was issued: its
   * lifetime (`exp - iat`) plus the verifier's clock tolerance and any clock skew between the
   * issuer and this process. An entry is kept this long after its revocation; a shorter value
   * would forget revocations while tokens they cover are still accepted. Default 1 hour, far
   * beyond auth-token's default registry token lifetime (5 minutes) and tolerance (1 minute).
   */
  maxTokenLifetimeMs?: number;
  /** Current time; defaults to the system clock. */
  now?: () => Date;
}

interface Entry {
  /** Tokens issued at or before this second (their `iat`) are revoked. */
  revokedThroughSecond: number;
  /** Epoch ms after which no token this entry covers can still be valid. */
  forgetAtMs: number;
}

const DEFAULT_MAX_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
// A full sweep at most this often; lookups ignore an expired entry even before it is swept.
const MAX_PRUNE_INTERVAL_MS = 60 * 1000;

/**
 * Revoked credentials and blocked users, as a verifier of short-lived tokens learns of them
 * from identity events, so a token signed before the revocation stops working at once instead
 * of at its `exp`.
 *
 * Memory: an entry is forgotten once every token it could match has expired (`at` plus
 * `maxTokenLifetimeMs`), so the list holds at most the revocations and blocks of the last
 * `maxTokenLifetimeMs` (plus one sweep interval). There is deliberately no size cap that evicts
 * earlier: evicting a live entry would bring its revoked tokens back to life.
 *
 * Unblocking a user removes nothing: tokens issued before the block stay refused until they
 * expire, and tokens issued after the unblock are newer than the block, so they pass anyway.
 */
export class RevocationList {
  private readonly maxTokenLifetimeMs: number;
  private readonly now: () => Date;
  private readonly pruneIntervalMs: number;
  private readonly credentials = new Map<string, Entry>();
  private readonly users = new Map<number, Entry>();
  private nextPruneAtMs = 0;

  constructor(options: RevocationListOptions = {}) {
    const lifetime = options.maxTokenLifetimeMs ?? DEFAULT_MAX_TOKEN_LIFETIME_MS;
    if (!Number.isFinite(lifetime) || lifetime <= 0) {
      throw new RangeError(`maxTokenLifetimeMs must be a positive number, got ${lifetime}`);
    }
    this.maxTokenLifetimeMs = lifetime;
    this.pruneIntervalMs = Math.min(MAX_PRUNE_INTERVAL_MS, lifetime);
    this.now = options.now ?? (() => new Date());
  }

  /** Refuses, from now on, every token of `credential` (e.g. `personal_access_token:3`) issued at or before `at`. */
  revokeCredential(credential: string, at: Date): void {
    if (!isCredential(credential))
      throw new TypeError('credential must be a non-empty string of at most 200 characters');
    this.record(this.credentials, credential, at);
  }

  /** Refuses, from now on, every token of user `userId` issued at or before `at` (the user was blocked). */
  revokeUser(userId: number, at: Date): void {
    if (!isUserId(userId)) throw new TypeError('userId must be a positive safe integer');
    this.record(this.users, userId, at);
  }

  /** True when the token's credential was revoked, or its user blocked, at or after it was issued. */
  isRevoked(token: Pick<VerifiedToken, 'issuedAt' | 'userId' | 'credential'>): boolean {
    const nowMs = this.now().getTime();
    this.pruneIfDue(nowMs);
    // `iat` has whole seconds, so a token issued in the same second as the revocation, even a
    // few milliseconds after it, carries the same `iat` as one issued just before it. The two
    // cannot be told apart, and letting a revoked token through is the worse mistake, so a
    // token whose `iat` is in the revocation's second counts as revoked (`iat <= floor(at)`).
    const issuedSecond = Math.floor(token.issuedAt.getTime() / 1000);
    const covers = (entry: Entry | undefined) =>
      entry !== undefined && entry.forgetAtMs > nowMs && issuedSecond <= entry.revokedThroughSecond;
    if (token.credential !== undefined && covers(this.credentials.get(token.credential))) return true;
    if (token.userId !== undefined && covers(this.users.get(token.userId))) return true;
    return false;
  }

  /** Entries currently held (revoked credentials plus blocked users), expired ones swept first. */
  get size(): number {
    this.pruneIfDue(this.now().getTime(), true);
    return this.credentials.size + this.users.size;
  }

  private record<K>(entries: Map<K, Entry>, key: K, at: Date): void {
    const atMs = at.getTime();
    if (!Number.isFinite(atMs)) throw new TypeError('at must be a valid date');
    const nowMs = this.now().getTime();
    this.pruneIfDue(nowMs);
    const forgetAtMs = atMs + this.maxTokenLifetimeMs;
    // Every token this revocation could match has expired already: nothing to remember.
    if (forgetAtMs <= nowMs) return;
    const revokedThroughSecond = Math.floor(atMs / 1000);
    const existing = entries.get(key);
    // A later revocation covers every token an earlier one does, and for longer; events may
    // arrive out of order or twice, so keep whichever reaches further.
    entries.set(key, {
      revokedThroughSecond: Math.max(revokedThroughSecond, existing?.revokedThroughSecond ?? 0),
      forgetAtMs: Math.max(forgetAtMs, existing?.forgetAtMs ?? 0),
    });
  }

  private pruneIfDue(nowMs: number, force = false): void {
    if (!force && nowMs < this.nextPruneAtMs) return;
    this.nextPruneAtMs = nowMs + this.pruneIntervalMs;
    for (const entries of [this.credentials, this.users] as Map<unknown, Entry>[]) {
      for (const [key, entry] of entries) if (entry.forgetAtMs <= nowMs) entries.delete(key);
    }
  }
}
