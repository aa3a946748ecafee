import { TokenCache } from './token-cache';
import { fetchToken } from './token-client';
import type { UpstreamTransport } from './transport';
import type { UpstreamSettings } from './types';
import type { Challenge } from './www-authenticate';

/** What the upstream asked for last time: asking that way straight away saves a 401 per request. */
type KnownScheme = { kind: 'bearer'; realm: string; service: string | undefined } | { kind: 'basic' };

/**
 * Decides the Authorization header of requests to one upstream. Requests start anonymous; the
 * first 401 says what the upstream wants (Docker's bearer token flow or Basic), and later requests
 * send that from the start, with bearer tokens cached per scope until they expire.
 */
export class UpstreamAuthenticator {
  private known: KnownScheme | null = null;
  private readonly tokens: TokenCache;

  constructor(
    private readonly settings: UpstreamSettings,
    private readonly transport: UpstreamTransport,
    now: () => number = Date.now,
  ) {
    this.tokens = new TokenCache(now);
  }

  /** The header to send for a request about `image` before any challenge, or undefined for none. */
  async authorizationFor(image: string): Promise<string | undefined> {
    const known = this.known;
    if (known?.kind === 'basic') return this.basic();
    if (known?.kind === 'bearer') return this.bearer(known.realm, known.service, pullScope(image));
    return undefined;
  }

  /**
   * Answers a 401's challenges: the header to retry with, or undefined when a retry cannot help
   * (no challenge we understand, no credentials for Basic, or the same header was just refused).
   */
  async answer(
    challenges: Challenge[],
    image: string,
    refused: string | undefined,
  ): Promise<string | undefined> {
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    if (bearer?.params.realm) {
      const { realm, service } = bearer.params;
      this.known = { kind: 'bearer', realm, service };
      // The challenge's scope is what this upstream checks; it names the image as the upstream does.
      const scope = bearer.params.scope ?? pullScope(image);
      if (refused?.startsWith('Bearer ')) {
        this.tokens.invalidate(cacheKey(realm, service, scope), refused.slice('Bearer '.length));
      }
      const answer = await this.bearer(realm, service, scope);
      return answer === refused ? undefined : answer;
    }
    if (challenges.some((c) => c.scheme === 'basic')) {
      this.known = { kind: 'basic' };
      const answer = this.basic();
      return answer === refused ? undefined : answer;
    }
    return undefined;
  }

  private basic(): string | undefined {
    const { username, password } = this.settings;
    if (username === null) return undefined;
    return `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
  }

  /**
   * A token request is shared by every concurrent caller for the scope, so no caller's abort signal
   * is passed on (one client hanging up must not fail the others); the idle timeout bounds it.
   */
  private async bearer(realm: string, service: string | undefined, scope: string): Promise<string> {
    const token = await this.tokens.get(cacheKey(realm, service, scope), () =>
      fetchToken(this.settings.name, this.transport, { realm, service, scope, authorization: this.basic() }),
    );
    return `Bearer ${token}`;
  }
}

function pullScope(image: string): string {
  return `repository:${image}:pull`;
}

function cacheKey(realm: string, service: string | undefined, scope: string): string {
  return JSON.stringify([realm, service ?? null, scope]);
}
