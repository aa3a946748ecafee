import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Request, RequestHandler } from 'express';
import type { BlobStore } from '@stowage/blob-store';
import { DependencyUnavailableError } from '@stowage/errors';
import {
  bodyLeftUnread,
  hasBody,
  relayBody,
  STORED_BODY_HEADER,
  STORED_BODY_OFFER_HEADER,
} from '@stowage/http';
import { clientOrigin, forwardedValues } from './forwarded-headers';
import { requestHeadersFor, responseHeadersFor } from './hop-by-hop';
import type { UpstreamName } from './route-table';
import { openStoredBody } from './stored-body';

export interface ForwarderOptions {
  upstreams: Record<UpstreamName, string>;
  trustForwardedHeaders: boolean;
  /** A service that does not accept the connection within this long is reported unavailable. */
  connectTimeoutMs: number;
  /** An exchange in which neither side sends a byte for this long is cut. */
  idleTimeoutMs: number;
  /** The services' blob storage, when the gateway sends stored bodies itself (see @stowage/http). */
  storedBodies?: Pick<BlobStore, 'get'>;
  /** Told the size of every stored body sent in full. */
  onStoredBodySent?: (upstream: UpstreamName, bytes: number) => void;
}

/**
 * Streams requests to their service and responses back, never buffering a body: a 1 GiB layer
 * passes through in small chunks with back-pressure both ways. Written on node:http rather than a
 * proxy library because every way an exchange can end early must end it for both sides at once:
 * - the service's response breaks off: the client's connection is destroyed, so it sees the
 *   truncation instead of waiting;
 * - the client goes away: the request to the service is aborted;
 * - the service answers before it has read the whole body and closes (an upload refused
 *   half-way): the connection to the service is discarded instead of going back to the pool,
 *   where the rest of the body would poison the next request, and the client is told
 *   `Connection: close`; a service that drains the rest keeps receiving it;
 * - the service cannot be reached, or falls silent: 503 (connect and idle timeouts).
 * A service's answer that names a stored body (a layer) gets its bytes from storage instead.
 */
export function createForwarder(options: ForwarderOptions): {
  forward: (upstream: UpstreamName) => RequestHandler;
  close: () => void;
} {
  // Keep-alive sockets to the services; the services' keep-alive timeout is longer than ours.
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 512, timeout: 60_000 });

  const forward = (upstream: UpstreamName): RequestHandler => {
    const target = new URL(options.upstreams[upstream]);
    const targetOrigin = target.origin;
    return (req, res, next) => {
      const values = forwardedValues(req, options.trustForwardedHeaders);
      const headers = requestHeadersFor(req, values, req.id);
      if (options.storedBodies) headers[STORED_BODY_OFFER_HEADER] = '1';
      const toService = http.request({
        agent,
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.originalUrl,
        headers,
        timeout: options.idleTimeoutMs,
      });
      const exchange = new Exchange(req, res, toService, upstream, next, options);
      limitConnectTime(toService, options.connectTimeoutMs);
      toService.on('timeout', () => toService.destroy(new IdleTimeoutError(upstream)));
      toService.on('error', (error) => exchange.serviceFailed(error));
      toService.on('response', (fromService) => {
        exchange.relay(fromService, responseHeadersFor(fromService, targetOrigin, clientOrigin(values)));
      });
      res.on('close', () => exchange.clientClosed());
      req.on('error', () => toService.destroy());
      // Most requests (pulls) have no body: end the service's request at once instead of piping.
      if (hasBody(req)) req.pipe(toService);
      else toService.end();
    };
  };

  return { forward, close: () => agent.destroy() };
}

/** One request's trip to a service and back, and how it ends when either side fails. */
class Exchange {
  private fromService: IncomingMessage | undefined;

  constructor(
    private readonly req: Request,
    private readonly res: ServerResponse,
    private readonly toService: http.ClientRequest,
    private readonly upstream: UpstreamName,
    private readonly next: (error: unknown) => void,
    private readonly options: Pick<ForwarderOptions, 'storedBodies' | 'onStoredBodySent'>,
  ) {}

  relay(fromService: IncomingMessage, headers: http.OutgoingHttpHeaders): void {
    this.fromService = fromService;
    const storage = this.options.storedBodies;
    if (storage && fromService.headers[STORED_BODY_HEADER] !== undefined) {
      void this.sendStoredBody(fromService, headers, storage);
      return;
    }
    // A service that answers early either drains the rest of the body (the body keeps flowing to
    // it, and both connections stay usable) or says it closes: then nobody will read the rest, so
    // the client's connection ends with this answer too.
    const serviceStopsReading = /\bclose\b/i.test(String(fromService.headers.connection ?? ''));
    if (serviceStopsReading && bodyLeftUnread(this.req)) headers.connection = 'close';
    this.res.writeHead(fromService.statusCode ?? 502, fromService.statusMessage, headers);
    relayBody(fromService, this.res, (error) => {
      if (error) {
        // Cut either way: the client must see the truncation now, not at its own timeout.
        this.res.destroy();
        this.toService.destroy();
        return;
      }
      // Answered before the whole body was sent, by a service that will not read the rest.
      if (serviceStopsReading && !this.toService.writableFinished) this.toService.destroy();
    });
  }

  /**
   * The service answered with headers only and named the stored object that is the body: it is
   * opened before the status goes out, so an object storage cannot give is answered as an error.
   */
  private async sendStoredBody(
    fromService: IncomingMessage,
    headers: http.OutgoingHttpHeaders,
    storage: Pick<BlobStore, 'get'>,
  ): Promise<void> {
    fromService.resume(); // an empty body: let the connection go back to the pool
    let content: Readable;
    let length: number;
    try {
      const opened = await openStoredBody(storage, fromService.headers, this.req);
      content = opened.content;
      length = opened.length;
      headers['content-length'] = String(length);
      delete headers[STORED_BODY_HEADER];
    } catch (error) {
      if (!this.res.destroyed) this.next(error);
      return;
    }
    if (this.res.destroyed) {
      content.destroy();
      return;
    }
    this.res.writeHead(fromService.statusCode ?? 502, fromService.statusMessage, headers);
    relayBody(content, this.res, (error) => {
      if (!error) return this.options.onStoredBodySent?.(this.upstream, length);
      content.destroy();
      this.res.destroy();
    });
  }

  serviceFailed(error: Error): void {
    if (this.fromService?.complete) return; // the answer is whole; the socket's later fate is not the client's
    if (this.fromService || this.res.headersSent) {
      this.res.destroy();
      return;
    }
    if (this.res.destroyed || this.req.socket.destroyed) {
      this.req.log.info('client went away during forwarding', { upstream: this.upstream });
      return;
    }
    this.next(
      new DependencyUnavailableError(this.upstream, `${this.upstream} did not answer`, { cause: error }),
    );
  }

  clientClosed(): void {
    if (!this.res.writableFinished) this.toService.destroy();
  }
}

/** Fails the request when the service does not accept the connection in time (no timer on reuse). */
function limitConnectTime(request: http.ClientRequest, timeoutMs: number): void {
  request.once('socket', (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => request.destroy(new ConnectTimeoutError(timeoutMs)), timeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
}

class ConnectTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(timeoutMs: number) {
    super(`no connection within ${timeoutMs} ms`);
  }
}

class IdleTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(upstream: string) {
    super(`${upstream} sent nothing within the idle timeout`);
  }
}
