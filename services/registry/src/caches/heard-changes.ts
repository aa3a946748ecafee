/** Tells a cache it has heard of every change committed so far (see NoticeFeed in @stowage/db). */
export interface ChangeFeed {
  sync(): Promise<boolean>;
}

/**
 * What a cache kept current by change notices must know before it trusts what it holds: whether
 * every change committed so far has been heard (`caughtUp`), and whether a change arrived while
 * one of its reads ran (`stamp()` before the read, `unchangedSince(stamp)` after), in which case
 * the read's answer may be old already and must not be stored.
 */
export class HeardChanges {
  /** Bumped by every announced change. */
  private generation = 0;
  private feed: ChangeFeed | undefined;

  follow(feed: ChangeFeed): void {
    this.feed = feed;
  }

  /** A change was committed, or changes may have been missed. */
  changed(): void {
    this.generation += 1;
  }

  /** False without a feed, or when it cannot promise now that nothing was missed. */
  async caughtUp(): Promise<boolean> {
    return this.feed !== undefined && (await this.feed.sync());
  }

  stamp(): number {
    return this.generation;
  }

  unchangedSince(stamp: number): boolean {
    return stamp === this.generation;
  }
}
