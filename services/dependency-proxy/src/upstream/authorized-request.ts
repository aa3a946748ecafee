import type { UpstreamAuthenticator } from './authenticator';
import { UpstreamAuthError } from './errors';
import { discard, type UpstreamResponse, type UpstreamTransport } from './transport';
import { parseWwwAuthenticate } from './www-authenticate';

export interface RegistryRequest {
  method: 'GET' | 'HEAD';
  url: URL;
  /** The image the request is about, which names the token scope. */
  image: string;
  headers: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * Sends a request with whatever authorization the upstream wanted last time, answers one 401
 * challenge and retries once. A 401 or 403 after that is final: retrying with the same credentials
 * cannot succeed, and the caller must not mistake it for a missing image or an outage.
 */
export async function sendAuthorized(
  upstream: string,
  transport: UpstreamTransport,
  authenticator: UpstreamAuthenticator,
  registryRequest: RegistryRequest,
): Promise<UpstreamResponse> {
  const { image, ...outgoing } = registryRequest;
  const first = await authenticator.authorizationFor(image);
  let response = await transport.sendFollowingRedirects(withAuthorization(outgoing, first));
  if (response.status === 401) {
    await discard(response);
    const challenges = parseWwwAuthenticate(response.headers['www-authenticate']);
    const retry = await authenticator.answer(challenges, image, first);
    if (retry === undefined)
      throw new UpstreamAuthError(upstream, 'unauthorized, and no way to authenticate');
    response = await transport.sendFollowingRedirects(withAuthorization(outgoing, retry));
  }
  if (response.status === 401 || response.status === 403) {
    await discard(response);
    throw new UpstreamAuthError(upstream, `refused the request (${response.status})`);
  }
  return response;
}

function withAuthorization<T extends { headers: Record<string, string> }>(
  outgoing: T,
  authorization: string | undefined,
): T {
  if (authorization === undefined) return outgoing;
  return { ...outgoing, headers: { ...outgoing.headers, authorization } };
}
