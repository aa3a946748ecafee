import { InvalidPackageInputError } from '../../core/package-errors';

/**
 * What a path below an npm endpoint (`.../packages/npm`) asks for. npm escapes a scoped name as
 * `@scope%2fname`; tarball URLs and other clients write `@scope/name`; GitLab's own tarball URLs
 * repeat the scope in the file name (`@scope/name/-/@scope/name-1.0.0.tgz`). All of them mean
 * the same request, so the path is decoded segment by segment and a name starting with `@` takes
 * two segments.
 */
export type NpmPath =
  | { kind: 'package'; name: string }
  | { kind: 'tarball'; name: string; fileName: string }
  | { kind: 'dist-tags'; name: string }
  | { kind: 'dist-tag'; name: string; tag: string };

function decodedSegments(path: string): string[] {
  const segments: string[] = [];
  for (const raw of path.replace(/^\//, '').split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      throw new InvalidPackageInputError('the path is not valid URL encoding');
    }
    segments.push(...decoded.split('/'));
  }
  return segments;
}

/** Splits a package name off the front of `segments`: `@scope` `name` or `name`. */
function takeName(segments: string[]): { name: string; rest: string[] } | null {
  const [first, second] = segments;
  if (!first) return null;
  if (first.startsWith('@')) {
    if (!second) return null;
    return { name: `${first}/${second}`, rest: segments.slice(2) };
  }
  return { name: first, rest: segments.slice(1) };
}

/** The request a path names, or null when it names nothing npm's registry protocol has here. */
export function parseNpmPath(path: string): NpmPath | null {
  const segments = decodedSegments(path);
  if (segments[0] === '-') {
    if (segments[1] !== 'package') return null;
    const taken = takeName(segments.slice(2));
    if (!taken || taken.rest[0] !== 'dist-tags') return null;
    if (taken.rest.length === 1) return { kind: 'dist-tags', name: taken.name };
    if (taken.rest.length === 2 && taken.rest[1])
      return { kind: 'dist-tag', name: taken.name, tag: taken.rest[1] };
    return null;
  }
  const taken = takeName(segments);
  if (!taken) return null;
  if (taken.rest.length === 0) return { kind: 'package', name: taken.name };
  if (taken.rest[0] !== '-' || taken.rest.length < 2) return null;
  // `name-1.0.0.tgz` or GitLab's `@scope/name-1.0.0.tgz`: the file is the last segment.
  const fileName = taken.rest[taken.rest.length - 1]!;
  if (taken.rest.length > 3 || fileName === '') return null;
  return { kind: 'tarball', name: taken.name, fileName };
}
