import { isValidRepositoryName, isValidTag, parseDigest, type ParsedDigest } from '@stowage/oci';
import { UpstreamAuthenticator } from './authenticator';
import { sendAuthorized } from './authorized-request';
import { readLimited } from './body-reader';
import { UpstreamInvalidResponseError } from './errors';
import {
  MANIFEST_ACCEPT,
  MAX_MANIFEST_BYTES,
  contentDigestHeader,
  manifestMediaType,
  verifiedManifestDigest,
} from './manifest-checks';
import { headerValue, unexpectedStatus } from './statuses';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  UpstreamTransport,
  createUpstreamDispatcher,
  abandon,
  discard,
  type UpstreamResponse,
} from './transport';
import type {
  FetchedBlob,
  FetchedManifest,
  ManifestHead,
  UpstreamOptions,
  UpstreamRegistry,
  UpstreamSettings,
} from './types';
import { verifiedBody } from './verified-body';

/**
 * The client for one upstream OCI registry. Build one per upstream and keep it: it holds the
 * upstream's connection pool (unless `options.dispatcher` is shared) and its cached tokens.
 */
export function createUpstreamRegistry(
  settings: UpstreamSettings,
  options: UpstreamOptions = {},
): UpstreamRegistry {
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? createUpstreamDispatcher(options.connectTimeoutMs);
  const observe = options.observe ?? (() => undefined);
  const transport = new UpstreamTransport(
    settings.name,
    dispatcher,
    options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    observe,
  );
  const authenticator = new UpstreamAuthenticator(settings, transport);
  const base = settings.url.replace(/\/+$/, '');
  const name = settings.name;

  const send = (method: 'GET' | 'HEAD', image: string, path: string, accept: string, signal?: AbortSignal) =>
    sendAuthorized(name, transport, authenticator, {
      method,
      url: new URL(`${base}/v2/${image}/${path}`),
      image,
      headers: { accept },
      signal,
    });

  return {
    name,

    async headManifest(image, reference, signal): Promise<ManifestHead | null> {
      const requested = checkedReference(image, reference);
      const response = await send('HEAD', image, `manifests/${reference}`, MANIFEST_ACCEPT, signal);
      if (response.status === 404) return notFound(response);
      if (response.status !== 200) throw await unexpectedStatus(name, response);
      await discard(response);
      // Without the digest a HEAD cannot tell whether the cached tag is current; the caller's
      // answer to this error is a GET, which computes the digest from the bytes.
      const digest = contentDigestHeader(name, response);
      if (digest === undefined)
        throw new UpstreamInvalidResponseError(name, 'HEAD without Docker-Content-Digest');
      if (requested !== undefined && digest !== requested) {
        throw new UpstreamInvalidResponseError(name, `HEAD ${requested} answered ${digest}`);
      }
      const size = Number(headerValue(response.headers['content-length']));
      if (!Number.isSafeInteger(size) || size < 0) {
        throw new UpstreamInvalidResponseError(name, 'HEAD without Content-Length');
      }
      return { digest, mediaType: manifestMediaType(name, response), size };
    },

    async getManifest(image, reference, signal): Promise<FetchedManifest | null> {
      const requested = checkedReference(image, reference);
      const response = await send('GET', image, `manifests/${reference}`, MANIFEST_ACCEPT, signal);
      if (response.status === 404) return notFound(response);
      if (response.status !== 200) throw await unexpectedStatus(name, response);
      let mediaType: string;
      let header: string | undefined;
      try {
        mediaType = manifestMediaType(name, response);
        header = contentDigestHeader(name, response);
      } catch (error) {
        abandon(response);
        throw error;
      }
      const payload = await readLimited(name, transport, response, MAX_MANIFEST_BYTES, signal);
      const digest = verifiedManifestDigest(name, payload, { requested, header });
      return { digest, mediaType, size: payload.length, payload };
    },

    async getBlob(image, digest, signal): Promise<FetchedBlob | null> {
      const expected = checkedDigest(image, digest);
      const response = await send('GET', image, `blobs/${digest}`, '*/*', signal);
      if (response.status === 404) return notFound(response);
      if (response.status !== 200) throw await unexpectedStatus(name, response);
      const size = contentLength(response);
      return { size, body: verifiedBody(name, transport, response.body, expected, size, signal) };
    },

    async close(): Promise<void> {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

async function notFound(response: UpstreamResponse): Promise<null> {
  await discard(response);
  return null;
}

function contentLength(response: UpstreamResponse): number | null {
  const size = Number(headerValue(response.headers['content-length']) ?? NaN);
  return Number.isSafeInteger(size) && size >= 0 ? size : null;
}

/**
 * Checks the arguments before they become part of a URL: the caller validated them already, but a
 * name with `..` or `?` must never be able to address another resource upstream. Returns the
 * reference when it is a digest.
 */
function checkedReference(image: string, reference: string): string | undefined {
  checkImage(image);
  if (parseDigest(reference) !== null) return reference;
  if (!isValidTag(reference)) throw new TypeError(`invalid tag: ${reference}`);
  return undefined;
}

function checkedDigest(image: string, digest: string): ParsedDigest {
  checkImage(image);
  const parsed = parseDigest(digest);
  if (parsed === null) throw new TypeError(`invalid digest: ${digest}`);
  return parsed;
}

function checkImage(image: string): void {
  if (!isValidRepositoryName(image)) throw new TypeError(`invalid image name: ${image}`);
}
