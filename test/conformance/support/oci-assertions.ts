import type { RegistryResponse } from './registry-client';

/**
 * Assertions on registry answers. Each compares a summary of the whole answer (request, status,
 * error codes, body, and the server's output on a 5xx), so a failure says what was sent and what
 * came back, not only that a number differed.
 */

export function expectStatus(response: RegistryResponse, status: number): void {
  expect(response.summary()).toMatchObject({ status });
}

/** An OCI error answer: `status`, a JSON body `{"errors":[{code,message,detail?}]}` holding `code`. */
export function expectOciError(response: RegistryResponse, status: number, code: string): void {
  expect(response.summary()).toMatchObject({ status, errorCodes: expect.arrayContaining([code]) });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const { errors } = response.json<{ errors: Array<Record<string, unknown>> }>();
  for (const error of errors) {
    expect(error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  }
}

/** The named headers (lower-case) with their values, null when absent, for one `toEqual`. */
export function headersOf(response: RegistryResponse, ...names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((name) => [name, response.headers.get(name)]));
}

/** Every answer under /v2, success or failure, says which API it speaks. */
export function expectApiVersionHeader(response: RegistryResponse): void {
  expect({
    request: response.request,
    header: response.headers.get('docker-distribution-api-version'),
  }).toEqual({ request: response.request, header: 'registry/2.0' });
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="...",service="...",scope="..."` as a scheme and its parameters. */
export function parseChallenge(header: string | null): Challenge {
  if (header === null) return { scheme: '', params: {} };
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  const params: Record<string, string> = {};
  for (const match of header.slice(space + 1).matchAll(/([a-z_]+)="([^"]*)"/g)) params[match[1]!] = match[2]!;
  return { scheme, params };
}

/**
 * What a `WWW-Authenticate` header must hold to ask for `action` on repository `name`:
 * `scope="repository:<name>:<actions>"` with `action` among the comma-separated actions.
 */
export function scopeAsking(name: string, action: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`scope="repository:${escaped}:(?:[a-z*]+,)*${action}(?:,[a-z*]+)*"`);
}

/** The `rel="next"` target of a `Link` header, or null when there is none. */
export function nextLink(response: RegistryResponse): string | null {
  const header = response.headers.get('link');
  if (header === null) return null;
  const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(header);
  if (!match) throw new Error(`${response.request}: unreadable Link header ${JSON.stringify(header)}`);
  return match[1]!;
}
