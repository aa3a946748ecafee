import { NAME_MAX_LENGTH, pathProblem } from '../paths';
import { RuleViolation } from '../rule-violation';

/** Display names of groups and projects: anything printable, not blank, at most 255 characters. */
export function checkName(name: string): void {
  if (name.trim().length === 0) throw RuleViolation.invalidField('name', "can't be blank");
  if (name.length > NAME_MAX_LENGTH) {
    throw RuleViolation.invalidField('name', `is too long (maximum is ${NAME_MAX_LENGTH} characters)`);
  }
}

/** A group's or project's own path segment; top-level groups also avoid the server's routes. */
export function checkPath(path: string, options: { topLevel: boolean }): void {
  const problem = pathProblem(path, options);
  if (problem) throw RuleViolation.invalidField('path', problem);
}

/**
 * The path GitLab derives from a project name given without one: lower case, runs of other
 * characters turned into one dash, no leading or trailing separator.
 */
export function pathFromName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/[._-]{2,}/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '');
}

/** `parent/child` full paths of things inside a namespace. */
export function joinPath(parentFullPath: string | null, path: string): string {
  return parentFullPath ? `${parentFullPath}/${path}` : path;
}
