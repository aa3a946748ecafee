/**
 * The gateway's GitLab-style REST API (`/api/v4`) as one caller sees it, for setting up what an
 * end-to-end test needs. Every call names the status it expects and fails with the method, path,
 * status and body otherwise, so a failed set-up says which call went wrong and why.
 */
export interface RestApi {
  /** Sends `body` as JSON and returns the parsed answer (undefined for an empty body). */
  request<T = unknown>(method: string, path: string, expectedStatus: number, body?: unknown): Promise<T>;
}

/** A client for `<base>/api/v4` authenticated with `Private-Token: <privateToken>`. */
export function restApi(base: string, privateToken: string): RestApi {
  return {
    async request<T>(method: string, path: string, expectedStatus: number, body?: unknown) {
      const response = await fetch(`${base}/api/v4${path}`, {
        method,
        headers: {
          'private-token': privateToken,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status !== expectedStatus) {
        throw new Error(
          `${method} /api/v4${path} answered ${response.status}, expected ${expectedStatus}: ${text.slice(0, 2000)}`,
        );
      }
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
  };
}
