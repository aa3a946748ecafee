import semver from 'semver';
import validatePackageName from 'validate-npm-package-name';
import { InvalidPackageInputError } from '../../core/package-errors';

/**
 * npm's rules for what a client may name: package names as npm itself validates new ones
 * (lower case, at most 214 characters, URL-safe, `@scope/name`), versions as strict semver,
 * dist-tags that cannot be read as a version range.
 */

/** A package name a new package may have, or InvalidPackageInputError with npm's reason. */
export function npmPackageName(name: string): string {
  const verdict = validatePackageName(name);
  if (!verdict.validForNewPackages) {
    const reasons = [...(verdict.errors ?? []), ...(verdict.warnings ?? [])];
    throw new InvalidPackageInputError(`Invalid package name: ${reasons.join(', ') || name}`);
  }
  return name;
}

/** `@scope/name` → `scope`; null for an unscoped name. */
export function npmScope(name: string): string | null {
  const match = /^@([^/]+)\//.exec(name);
  return match ? match[1]! : null;
}

/** `@scope/name` → `name`: the part npm's tarball file names use. */
export function unscopedName(name: string): string {
  return name.replace(/^@[^/]+\//, '');
}

/** A version exactly as semver writes it (npm normalises before publishing, so anything else is not npm's). */
export function npmVersion(version: unknown): string {
  if (typeof version !== 'string' || version.length > 255 || semver.valid(version) !== version) {
    throw new InvalidPackageInputError(`Invalid version: ${String(version).slice(0, 100)}`);
  }
  return version;
}

const TAG = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,99}$/;

/** A dist-tag: URL-safe, and not something npm would read as a version or range (`1.x`, `latest` is fine). */
export function npmDistTag(tag: unknown): string {
  if (typeof tag !== 'string' || !TAG.test(tag) || semver.validRange(tag) !== null) {
    throw new InvalidPackageInputError(`Invalid tag: ${String(tag).slice(0, 100)}`);
  }
  return tag;
}

/** The tarball's file name, as npm's own registry names it (`name-1.0.0.tgz`, without the scope). */
export function tarballFileName(name: string, version: string): string {
  return `${unscopedName(name)}-${version}.tgz`;
}
