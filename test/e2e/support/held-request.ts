import http from 'node:http';

export interface HeldResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request whose body is still being sent: the server has it in flight until `finish()`. */
export interface HeldRequest {
  /** Resolves with the response's status and headers as soon as they arrive. */
  readonly responseStarted: Promise<http.IncomingMessage>;
  /** Sends the rest of the body, ends the request, and resolves with the complete response. */
  finish(rest: Buffer): Promise<HeldResponse>;
  /** Closes the client's side of the connection (kept alive after `finish()`, as a real client would). */
  close(): void;
}

/**
 * Starts a chunked `method` request to `url` and sends only `first` of its body, over a
 * keep-alive connection as docker and npm use, so a test can act (stop the server, say) while
 * the upload is half done. Any socket error rejects `finish()`.
 */
export function startHeldRequest(
  url: string,
  options: { method: string; headers?: http.OutgoingHttpHeaders; first: Buffer },
): HeldRequest {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = http.request(url, {
    method: options.method,
    agent,
    headers: { 'transfer-encoding': 'chunked', ...options.headers },
  });
  let failure: Error | undefined;
  const failed = new Promise<never>((_resolve, reject) => {
    request.once('error', (error) => {
      failure = error;
      reject(error);
    });
  });
  // Handled through `finish()`; this keeps an early error from being reported as unhandled.
  failed.catch(() => undefined);

  const responseStarted = Promise.race([
    new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve)),
    failed,
  ]);
  const response = responseStarted.then(
    (message) =>
      new Promise<HeldResponse>((resolve, reject) => {
        let body = '';
        message.setEncoding('utf8');
        message.on('data', (chunk: string) => (body += chunk));
        message.once('end', () =>
          resolve({ status: message.statusCode ?? 0, headers: message.headers, body }),
        );
        message.once('error', reject);
      }),
  );
  response.catch(() => undefined);
  request.write(options.first);

  return {
    responseStarted,
    async finish(rest) {
      if (failure) throw failure;
      await new Promise<void>((resolve, reject) => {
        request.write(rest, (error) => (error ? reject(error) : resolve()));
      });
      await new Promise<void>((resolve) => request.end(resolve));
      return Promise.race([response, failed]);
    },
    close() {
      request.destroy();
      agent.destroy();
    },
  };
}
