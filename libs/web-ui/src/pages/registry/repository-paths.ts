import type { Repository } from '../../api/types';

/**
 * The project a repository belongs to, from its path: `group/project/image` minus the image's
 * name (an image named after the project itself has the empty name and the project's path).
 */
export function projectPathOf(repository: Pick<Repository, 'path' | 'name'>): string {
  return repository.name ? repository.path.slice(0, -(repository.name.length + 1)) : repository.path;
}

/** The host part of an image location (`registry.example:5000/group/project` → the host). */
export function registryHostOf(location: string): string {
  return location.split('/')[0] ?? location;
}
