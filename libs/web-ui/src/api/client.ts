/**
 * The one way the pages talk to the server: the public REST API under /api/v4, with the browser's
 * session cookie. Writes carry the CSRF token the server derived from the session (it sits in a
 * cookie scripts may read; the session cookie itself is HttpOnly). `X-Requested-With` tells the
 * package registry not to answer an anonymous refusal with a Basic challenge, which would make the
 * browser pop up a password dialog.
 */

const CSRF_COOKIE = '_stowage_csrf';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** An answer the API refused, with its message and, for form errors, the message per field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
}

export function apiUrl(path: string, query: Query = {}): string {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  }
  return url.pathname + url.search;
}

/** `/api/v4/projects/<id or url-encoded full path>` and the like. */
export function resource(kind: 'projects' | 'groups', idOrPath: string | number): string {
  return `/api/v4/${kind}/${encodeURIComponent(String(idOrPath))}`;
}

/**
 * The path of an API URL the server gave (`delete_api_path` and the like are absolute URLs built
 * on EXTERNAL_URL), so the request goes to this page's origin whatever that setting says.
 */
export function apiPathOf(url: string): string {
  const parsed = new URL(url, window.location.origin);
  return parsed.pathname + parsed.search;
}

export function csrfToken(): string | undefined {
  for (const pair of document.cookie.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export async function request<T>(
  method: string,
  path: string,
  { query, body }: { query?: Query; body?: unknown } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'X-Requested-With': 'XMLHttpRequest',
  };
  const csrf = WRITES.has(method) ? csrfToken() : undefined;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(path, query), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
  const text = await response.text();
  const json: unknown = text ? parseJson(text) : undefined;
  if (!response.ok) throw errorOf(response.status, json);
  return { data: json as T, headers: response.headers };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * GitLab's error bodies: `{"message": "404 Project Not Found"}`, `{"error": "name is missing"}`, or
 * `{"message": {"<field>": ["<problem>"]}}` for a form.
 */
function errorOf(status: number, body: unknown): ApiError {
  const fallback =
    status === 503 ? 'The service is unavailable; try again shortly.' : `Request failed (${status})`;
  if (body && typeof body === 'object') {
    const { message, error } = body as { message?: unknown; error?: unknown };
    if (typeof message === 'string') return new ApiError(status, message);
    if (typeof error === 'string') return new ApiError(status, error);
    if (message && typeof message === 'object') {
      const fields: Record<string, string[]> = {};
      for (const [field, problems] of Object.entries(message as Record<string, unknown>)) {
        fields[field] = Array.isArray(problems) ? problems.map(String) : [String(problems)];
      }
      const summary = Object.entries(fields).map(([field, problems]) => `${field} ${problems.join(', ')}`);
      return new ApiError(status, summary.join('; ') || fallback, fields);
    }
  }
  return new ApiError(status, fallback);
}

/** GitLab's pagination headers (X-Total and friends), as numbers. */
export interface PageInfo {
  page: number;
  perPage: number;
  total: number | null;
  totalPages: number | null;
  nextPage: number | null;
  previousPage: number | null;
}

export function pageInfoOf(headers: Headers): PageInfo {
  const number = (name: string) => {
    const value = headers.get(name);
    return value === null || value === '' ? null : Number(value);
  };
  return {
    page: number('x-page') ?? 1,
    perPage: number('x-per-page') ?? 20,
    total: number('x-total'),
    totalPages: number('x-total-pages'),
    nextPage: number('x-next-page'),
    previousPage: number('x-prev-page'),
  };
}
