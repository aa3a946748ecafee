import fc from 'fast-check';

/**
 * fast-check arbitraries for hostile URLs: what property tests send in path and query parameters
 * to check that bad input never gets a 5xx. Every value is already in URL form (percent-encoded
 * where it has to be), so it goes into a request line as it is.
 */

/** Escapes that are wrong on their own: bad hex, cut short, overlong, surrogates, past U+10FFFF, NUL. */
const HOSTILE_ESCAPES = [
  '%ZZ',
  '%',
  '%4',
  '%G0',
  '%C0%AF',
  '%C0%80',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%FF',
  '%E2%82',
  '%00',
  '%2F',
  '%2e%2e',
  '..',
  '.',
  '%25',
  '%0A',
  '%20',
  '+',
];

/** Characters allowed unescaped in a path segment and in a query value (no `/`, `?`, `#`, `&`, `=`). */
const SAFE = /^[A-Za-z0-9._~!$'()*,;:@-]*$/;

const hex = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** One path segment or query value that decodes: what a handler's own checks must refuse. */
export const wellFormedValue: fc.Arbitrary<string> = fc.oneof(
  // Any text, validly escaped (slashes, dots, `%` and all).
  fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent),
  fc.stringMatching(SAFE),
  fc.constantFrom('%2F', '%2e%2e', '..', '.', '%25', '%0A', '%20', '+', '%C3%A9', '%F0%9F%90%B3'),
  // Numbers of every size and shape, for ids and counts.
  fc
    .oneof(fc.bigInt(), fc.double().map(String), fc.constantFrom('0', '-1', '1e3', '0x10', ' 1'))
    .map((n) => encodeURIComponent(String(n))),
  fc.integer({ min: 1, max: 8 }).map(String),
  // Long values.
  fc
    .tuple(fc.constantFrom('a', '%41', '9', '%C3%A9'), fc.integer({ min: 100, max: 600 }))
    .map(([unit, count]) => unit.repeat(count)),
);

/** One path segment or query value, in URL form: well-formed, or not decodable, or holding a NUL. */
export const urlValue: fc.Arbitrary<string> = fc.oneof(
  wellFormedValue,
  // Random bytes, escaped: mostly not UTF-8.
  fc.uint8Array({ maxLength: 24 }).map((bytes) => Array.from(bytes, hex).join('')),
  fc.constantFrom(...HOSTILE_ESCAPES),
  // Hostile pieces mixed with plain text.
  fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE_ESCAPES), fc.stringMatching(SAFE)), { maxLength: 6 })
    .map((parts) => parts.join('')),
  fc
    .constantFrom('%ZZ', '%C3%A9')
    .chain((unit) => fc.integer({ min: 100, max: 600 }).map((n) => unit.repeat(n))),
);

/**
 * Values for one request: half the requests get well-formed values only, so that they get past
 * the frame's refusal of malformed URLs and reach the handlers' own parsing.
 */
export const requestValues: fc.Arbitrary<fc.Arbitrary<string>> = fc.constantFrom(wellFormedValue, urlValue);

/** Query parameters: the route's own names (plus array and object forms) and random ones. */
export function queryString(
  names: readonly string[],
  value: fc.Arbitrary<string> = urlValue,
): fc.Arbitrary<string> {
  const name = fc.oneof(
    ...(names.length > 0 ? [fc.constantFrom(...names)] : []),
    ...(names.length > 0 ? [fc.constantFrom(...names).map((n) => `${n}[]`)] : []),
    ...(names.length > 0 ? [fc.constantFrom(...names).map((n) => `${n}[a]`)] : []),
    value,
  );
  return fc
    .array(fc.tuple(name, value), { maxLength: 4 })
    .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));
}

/** A route pattern (`/projects/:id/members/:user_id`) with every parameter replaced by a hostile value. */
export function pathOf(pattern: string, value: fc.Arbitrary<string> = urlValue): fc.Arbitrary<string> {
  const params = pattern.match(/:[a-z_]+/g) ?? [];
  return fc.tuple(...params.map(() => value)).map((values) => {
    let index = 0;
    return pattern.replace(/:[a-z_]+/g, () => values[index++]!);
  });
}

/** Whether a URL is one the frame must refuse with 400: an escape that does not decode, or a NUL. */
export function isMalformedUrl(url: string): boolean {
  try {
    return decodeURIComponent(url).includes('\0');
  } catch {
    return true;
  }
}

/**
 * Whether the answer came from Node's HTTP server rather than the app: a request line past its
 * 16 KiB header limit gets a bare 431 before Express sees it, so no app format applies.
 */
export const fromNodeServer = (status: number): boolean => status === 431;

/** Bodies a handler must cope with: a GitLab 4xx is `{"message": ...}` or Grape's `{"error": ...}`. */
export function isGitlabError(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { message, error } = body as { message?: unknown; error?: unknown };
  return (
    typeof message === 'string' ||
    (typeof message === 'object' && message !== null) ||
    typeof error === 'string'
  );
}

/** `{"errors":[{"code","message","detail"}]}`, at least one entry. */
export function isOciError(body: unknown): boolean {
  const errors = (body as { errors?: unknown } | null)?.errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every(
      (entry: { code?: unknown; message?: unknown }) =>
        typeof entry.code === 'string' && typeof entry.message === 'string' && 'detail' in entry,
    )
  );
}
