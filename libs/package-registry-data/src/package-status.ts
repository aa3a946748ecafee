/** GitLab's package statuses. */
export const PACKAGE_STATUSES = [
  'default',
  'hidden',
  'processing',
  'error',
  'pending_destruction',
  'deprecated',
] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

/** Statuses a client installing packages sees (GitLab hides the others from package managers). */
export const INSTALLABLE_STATUSES: readonly PackageStatus[] = ['default', 'deprecated'];

/**
 * Statuses the Packages API lists and finds by default, as GitLab's `displayable` scope: not
 * hidden (generic's `status=hidden` keeps a package out of listings), not being built or deleted.
 */
export const LISTED_STATUSES: readonly PackageStatus[] = ['default', 'error', 'deprecated'];

export const PACKAGE_FILE_STATUSES = ['default', 'pending_destruction'] as const;
export type PackageFileStatus = (typeof PACKAGE_FILE_STATUSES)[number];

export function isPackageStatus(value: unknown): value is PackageStatus {
  return typeof value === 'string' && (PACKAGE_STATUSES as readonly string[]).includes(value);
}
