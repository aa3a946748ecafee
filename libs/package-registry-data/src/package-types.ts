/**
 * `package_type` values as GitLab names them. Only some have endpoints today (see the service's
 * formats); the rest are reserved so the API's filters accept GitLab's full list.
 */
export const PACKAGE_TYPES = [
  'maven',
  'npm',
  'conan',
  'nuget',
  'pypi',
  'composer',
  'generic',
  'golang',
  'debian',
  'rubygems',
  'helm',
  'terraform_module',
  'rpm',
  'ml_model',
  'cargo',
] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];

export function isPackageType(value: unknown): value is PackageType {
  return typeof value === 'string' && (PACKAGE_TYPES as readonly string[]).includes(value);
}
