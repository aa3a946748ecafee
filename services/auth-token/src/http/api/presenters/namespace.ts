import type { Namespace } from '../../../generated/prisma/client';

/** The gateway's public URL without a trailing slash, to append paths to. */
export function baseUrl(externalUrl: string): string {
  return externalUrl.replace(/\/+$/, '');
}

/** Where GitLab's UI shows a namespace: `/groups/<full path>` for groups, `/<username>` for users. */
export function namespaceWebUrl(
  namespace: Pick<Namespace, 'kind' | 'fullPath'>,
  externalUrl: string,
): string {
  return namespace.kind === 'group'
    ? `${baseUrl(externalUrl)}/groups/${namespace.fullPath}`
    : `${baseUrl(externalUrl)}/${namespace.fullPath}`;
}

/** The `namespace` object inside GitLab's project JSON. */
export function presentNamespace(namespace: Namespace, externalUrl: string) {
  return {
    id: namespace.id,
    name: namespace.name,
    path: namespace.path,
    kind: namespace.kind,
    full_path: namespace.fullPath,
    parent_id: namespace.parentId,
    avatar_url: null,
    web_url: namespaceWebUrl(namespace, externalUrl),
  };
}
