import { readLimited } from './body-reader';
import { UpstreamAuthError, UpstreamInvalidResponseError } from './errors';
import { unexpectedStatus } from './statuses';
import { discard, type UpstreamTransport } from './transport';

/** Docker's token spec: a token without `expires_in` lives 60 seconds. */
const DEFAULT_EXPIRES_IN_SECONDS = 60;
/** Token responses are small JSON documents; more is not a token response. */
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

export interface TokenRequest {
  realm: string;
  service: string | undefined;
  scope: string;
  /** `Basic ...` when the upstream has credentials; anonymous otherwise. */
  authorization: string | undefined;
  signal?: AbortSignal;
}

/**
 * Gets a bearer token from the realm an upstream's challenge named (Docker's token protocol):
 * GET realm?service=..&scope=.., answered by `{"token": ...}` or OAuth's `{"access_token": ...}`.
 */
export async function fetchToken(
  upstream: string,
  transport: UpstreamTransport,
  tokenRequest: TokenRequest,
): Promise<{ token: string; expiresInSeconds: number }> {
  const url = realmUrl(upstream, tokenRequest);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (tokenRequest.authorization) headers.authorization = tokenRequest.authorization;
  const response = await transport.send({
    method: 'GET',
    url,
    headers,
    signal: tokenRequest.signal,
    metricMethod: 'TOKEN',
  });
  if (response.status === 401 || response.status === 403) {
    await discard(response);
    throw new UpstreamAuthError(upstream, `the token realm refused the credentials (${response.status})`);
  }
  if (response.status !== 200) throw await unexpectedStatus(upstream, response);
  const text = (await readLimited(upstream, transport, response, MAX_TOKEN_RESPONSE_BYTES)).toString('utf8');
  return parseTokenResponse(upstream, text);
}

function realmUrl(upstream: string, { realm, service, scope }: TokenRequest): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch (error) {
    throw new UpstreamInvalidResponseError(upstream, 'the challenge names an invalid realm', {
      cause: error,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UpstreamInvalidResponseError(upstream, `the challenge names a ${url.protocol} realm`);
  }
  if (service !== undefined) url.searchParams.set('service', service);
  url.searchParams.set('scope', scope);
  return url;
}

function parseTokenResponse(upstream: string, text: string): { token: string; expiresInSeconds: number } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new UpstreamInvalidResponseError(upstream, 'the token response is not JSON', { cause: error });
  }
  const { token, access_token: accessToken, expires_in: expiresIn } = (body ?? {}) as Record<string, unknown>;
  const value = typeof token === 'string' && token !== '' ? token : accessToken;
  if (typeof value !== 'string' || value === '') {
    throw new UpstreamInvalidResponseError(upstream, 'the token response holds no token');
  }
  const expiresInSeconds =
    typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
      ? expiresIn
      : DEFAULT_EXPIRES_IN_SECONDS;
  return { token: value, expiresInSeconds };
}
