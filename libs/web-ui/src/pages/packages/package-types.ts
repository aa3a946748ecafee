/** The `package_type` values the package API filters by, in its order. */
export const PACKAGE_TYPES = [
  'npm',
  'pypi',
  'maven',
  'generic',
  'nuget',
  'composer',
  'conan',
  'helm',
  'golang',
  'debian',
  'rubygems',
  'terraform_module',
  'rpm',
  'cargo',
  'ml_model',
];

const LABELS: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  maven: 'Maven',
  generic: 'Generic',
  nuget: 'NuGet',
  composer: 'Composer',
  conan: 'Conan',
  helm: 'Helm',
  golang: 'Go',
  debian: 'Debian',
  rubygems: 'RubyGems',
  terraform_module: 'Terraform module',
  rpm: 'RPM',
  cargo: 'Cargo',
  ml_model: 'ML model',
};

export function packageTypeLabel(type: string): string {
  return LABELS[type] ?? type;
}
