import { isValidRepositoryName } from '@stowage/oci';

const MARKER = '/dependency_proxy/containers/';

export interface ProxyRoute {
  /** The group's full path. */
  groupPath: string;
  /** The image below `containers/`, as the client named it. */
  image: string;
  /** `<group>/dependency_proxy/containers/<image>`: the repository name tokens grant. */
  name: string;
  kind: 'manifests' | 'blobs' | 'tags';
  reference: string;
}

/**
 * `/<group>/dependency_proxy/containers/<image>/(manifests|blobs)/<reference>` (or `tags/list`)
 * below `/v2`, or
 * null. Group paths cannot hold a `dependency_proxy` segment (auth-token reserves it), so the
 * first marker splits group from image; image and group follow the distribution name grammar.
 */
export function parseProxyPath(path: string): ProxyRoute | null {
  const marker = path.indexOf(MARKER);
  if (marker <= 1) return null;
  const groupPath = path.slice(1, marker);
  const rest = path.slice(marker + MARKER.length);
  const match = /^(.+)\/(manifests|blobs)\/([^/]+)$/.exec(rest) ?? /^(.+)\/(tags)\/(list)$/.exec(rest);
  if (!match) return null;
  const [, image, kind, reference] = match;
  if (!isValidRepositoryName(image!) || !isValidGroupPath(groupPath)) return null;
  return {
    groupPath,
    image: image!,
    name: `${groupPath}${MARKER}${image}`,
    kind: kind as ProxyRoute['kind'],
    reference: reference!,
  };
}

/** GitLab's path characters (letters, digits, `_`, `-`, `.`), segments joined by `/`. */
function isValidGroupPath(path: string): boolean {
  return (
    path.length <= 255 &&
    /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/.test(path) &&
    !/(^|\/)\.\.?(\/|$)/.test(path)
  );
}
