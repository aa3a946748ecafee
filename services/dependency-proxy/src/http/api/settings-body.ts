import { ApiError } from '@stowage/http';
import type { GroupSettingsChange, ProxyGroupSettings, StoredUpstream } from '@stowage/dependency-proxy-data';
import type { SecretBox } from '../../ports/secret-box';

/** More would only slow every miss; GitLab has exactly one. */
export const MAX_UPSTREAMS = 10;
export const MAX_TTL_DAYS = 3650;
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** A prefix is one segment of an image name (the distribution grammar's path component). */
const PREFIX = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const MAX_CREDENTIAL_LENGTH = 4096;

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function optionalBoolean(body: Fields, field: string, label = field): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw ApiError.invalidField(label, 'must be true or false');
  return value;
}

function nullableString(body: Fields, field: string, label: string, max: number): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || value.length > max) {
    throw ApiError.invalidField(label, `must be a string of at most ${max} characters`);
  }
  return value;
}

/** An absolute http(s) URL naming a registry's root: no credentials, query or fragment in it. */
function upstreamUrl(value: unknown, label: string): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw ApiError.invalidField(label, 'is not a URL');
  }
  if (typeof value !== 'string' || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw ApiError.invalidField(label, 'must be an http or https URL');
  }
  if (url.username || url.password) throw ApiError.invalidField(label, 'must not hold credentials');
  if (url.search || url.hash) throw ApiError.invalidField(label, 'must not have a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

function parseUpstream(
  value: unknown,
  index: number,
  current: StoredUpstream[],
  secrets: SecretBox,
): StoredUpstream {
  const label = (field: string) => `upstreams[${index}].${field}`;
  if (!isRecord(value)) throw ApiError.invalidField(`upstreams[${index}]`, 'must be an object');
  if (typeof value.name !== 'string' || !NAME.test(value.name)) {
    throw ApiError.invalidField(label('name'), 'must be 1-63 lower-case letters, digits, ".", "_" or "-"');
  }
  const url = upstreamUrl(value.url, label('url'));
  const prefix = nullableString(value, 'prefix', label('prefix'), 63) ?? null;
  if (prefix !== null && !PREFIX.test(prefix)) {
    throw ApiError.invalidField(label('prefix'), 'must be one image name segment');
  }
  const givenUsername = nullableString(value, 'username', label('username'), 255);
  const password = nullableString(value, 'password', label('password'), MAX_CREDENTIAL_LENGTH);
  const libraryPrefix = optionalBoolean(value, 'library_prefix', label('library_prefix')) ?? false;
  // The API never shows credentials, so a client that saves back what it read (the same name and
  // URL, no username or password) keeps the stored ones; a new username needs its password again.
  const same = current.find((u) => u.name === value.name && u.url === url);
  const username = givenUsername === undefined ? (same?.username ?? null) : givenUsername;
  const keptPassword = same && same.username === username ? same.passwordEncrypted : null;
  const passwordEncrypted =
    password === undefined ? keptPassword : password ? secrets.encrypt(password) : null;
  return { name: value.name, url, username, passwordEncrypted, prefix, libraryPrefix };
}

function parseUpstreams(value: unknown, current: StoredUpstream[], secrets: SecretBox): StoredUpstream[] {
  if (!Array.isArray(value)) throw ApiError.invalidField('upstreams', 'must be an array');
  if (value.length > MAX_UPSTREAMS) throw ApiError.invalidField('upstreams', `at most ${MAX_UPSTREAMS}`);
  const upstreams = value.map((item, index) => parseUpstream(item, index, current, secrets));
  const names = new Set(upstreams.map((u) => u.name));
  if (names.size !== upstreams.length) throw ApiError.invalidField('upstreams', 'names must be unique');
  const prefixes = upstreams.flatMap((u) => (u.prefix === null ? [] : [u.prefix]));
  if (new Set(prefixes).size !== prefixes.length) {
    throw ApiError.invalidField('upstreams', 'prefixes must be unique');
  }
  return upstreams;
}

function parseTtlPolicy(value: unknown): Pick<GroupSettingsChange, 'ttlEnabled' | 'ttlDays'> {
  if (!isRecord(value)) throw ApiError.invalidField('ttl_policy', 'must be an object');
  const ttlEnabled = optionalBoolean(value, 'enabled', 'ttl_policy.enabled');
  const days = value.ttl_days;
  if (
    days !== undefined &&
    (!Number.isSafeInteger(days) || (days as number) < 1 || (days as number) > MAX_TTL_DAYS)
  ) {
    throw ApiError.invalidField(
      'ttl_policy.ttl_days',
      `must be a whole number of days from 1 to ${MAX_TTL_DAYS}`,
    );
  }
  return {
    ...(ttlEnabled === undefined ? {} : { ttlEnabled }),
    ...(days === undefined ? {} : { ttlDays: days as number }),
  };
}

/**
 * Reads `PUT /groups/:id/dependency_proxy/settings`: any subset of `enabled`, `anonymous_pulls`,
 * `upstreams` (the whole list, in order) and `ttl_policy`; a field it does not know is refused
 * rather than silently ignored.
 */
export function parseSettingsBody(
  body: unknown,
  current: ProxyGroupSettings,
  secrets: SecretBox,
): GroupSettingsChange {
  if (!isRecord(body)) throw ApiError.badRequest('the body must be a JSON object');
  const known = new Set(['enabled', 'anonymous_pulls', 'upstreams', 'ttl_policy']);
  const unknown = Object.keys(body).find((key) => !known.has(key));
  if (unknown) throw ApiError.invalidField(unknown, 'is not a setting');
  const enabled = optionalBoolean(body, 'enabled');
  const anonymousPulls = optionalBoolean(body, 'anonymous_pulls');
  return {
    ...(enabled === undefined ? {} : { enabled }),
    ...(anonymousPulls === undefined ? {} : { anonymousPulls }),
    ...(body.upstreams === undefined
      ? {}
      : { upstreams: parseUpstreams(body.upstreams, current.upstreams, secrets) }),
    ...(body.ttl_policy === undefined ? {} : parseTtlPolicy(body.ttl_policy)),
  };
}
