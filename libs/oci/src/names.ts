/**
 * The distribution spec's grammar for repository names and tags. Names are checked before they
 * reach a query or a storage key; storage keys never contain a name (blobs are keyed by digest,
 * uploads by a server-made UUID), so a name cannot escape the registry's prefix either way.
 */

const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** GitLab's limit on a container repository path. */
export const MAX_REPOSITORY_NAME_LENGTH = 255;

export function isValidRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME_LENGTH && REPOSITORY_NAME.test(name);
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}
