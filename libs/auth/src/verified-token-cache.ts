import type { VerifiedToken } from './verified-token';

/**
 * Tokens this process has verified, until they expire. A docker pull sends one token on dozens
 * of requests, and checking an RS256 signature every time was most of the cost of a manifest
 * GET. A hit still has its expiry checked; revocation is checked by the caller on every request.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(private readonly maxEntries = 5_000) {}

  /** The verified token, if it was verified for this audience and is not past `exp` (+ tolerance). */
  get(
    token: string,
    audience: string | undefined,
    now: Date,
    toleranceSeconds: number,
  ): VerifiedToken | undefined {
    const key = this.keyOf(token, audience);
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt.getTime() + toleranceSeconds * 1000 <= now.getTime()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  set(token: string, audience: string | undefined, verified: VerifiedToken): void {
    if (this.entries.size >= this.maxEntries) {
      // Map order is insertion order: drop the oldest.
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(this.keyOf(token, audience), verified);
  }

  clear(): void {
    this.entries.clear();
  }

  private keyOf(token: string, audience: string | undefined): string {
    return `${audience ?? ''}\n${token}`;
  }
}
