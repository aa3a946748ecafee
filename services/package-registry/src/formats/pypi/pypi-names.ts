import { pypiNormalizedName } from '../../core/names';
import { InvalidPackageInputError } from '../../core/package-errors';
import { normalizePep440 } from './pep440';

/**
 * What a PyPI upload names: the project (PEP 508's name rule), the version (PEP 440) and the file,
 * whose name must be a wheel (PEP 427), an sdist or an egg of that very project and version, so an
 * index page never lists a file pip would reject for its name.
 */

// PEP 508: letters and digits at both ends, `.`, `_`, `-` between (case ignored).
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const MAX_NAME_LENGTH = 255;

/** The project name as the client gave it; throws InvalidPackageInputError when PEP 508 refuses it. */
export function pypiProjectName(name: string): string {
  if (name.length > MAX_NAME_LENGTH || !PROJECT_NAME.test(name)) {
    throw new InvalidPackageInputError('name is not a valid Python project name (PEP 508)');
  }
  return name;
}

/** The version as the client gave it; throws InvalidPackageInputError unless PEP 440 accepts it. */
export function pypiVersion(version: string): string {
  if (normalizePep440(version) === null) {
    throw new InvalidPackageInputError('version is not a valid PEP 440 version');
  }
  return version;
}

export type DistributionKind = 'wheel' | 'sdist' | 'egg';

export interface DistributionFile {
  kind: DistributionKind;
  /** The file name's own spelling of the project and version (a wheel's `.dist-info` directory uses it). */
  namePart: string;
  versionPart: string;
}

const SDIST_SUFFIXES = ['.tar.gz', '.zip', '.tar.bz2', '.tgz', '.tar.xz'];

/** `name-version` (an sdist's stem): the split whose halves are the project and version, if any. */
function splitSdistStem(stem: string, name: string, version: string): DistributionFile | null {
  for (let dash = stem.indexOf('-'); dash > 0; dash = stem.indexOf('-', dash + 1)) {
    const namePart = stem.slice(0, dash);
    const versionPart = stem.slice(dash + 1);
    if (sameProject(namePart, name) && sameVersion(versionPart, version)) {
      return { kind: 'sdist', namePart, versionPart };
    }
  }
  return null;
}

const sameProject = (a: string, b: string) => pypiNormalizedName(a) === pypiNormalizedName(b);
const sameVersion = (a: string, b: string) => {
  const normal = normalizePep440(a);
  return normal !== null && normal === normalizePep440(b);
};

/**
 * What kind of distribution `fileName` is, checked against the upload's project and version:
 * `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, `{name}-{version}.tar.gz` (or
 * `.zip`...), `{name}-{version}(-{python}(-{platform})?)?.egg`. Throws InvalidPackageInputError
 * for any other name, or one that names another project or version.
 */
export function distributionFile(fileName: string, name: string, version: string): DistributionFile {
  const lower = fileName.toLowerCase();
  let found: DistributionFile | null = null;
  if (lower.endsWith('.whl')) {
    const parts = fileName.slice(0, -'.whl'.length).split('-');
    const buildTagOk = parts.length === 5 || (parts.length === 6 && /^\d/.test(parts[2]!));
    if (buildTagOk && parts.every((part) => part.length > 0)) {
      found = { kind: 'wheel', namePart: parts[0]!, versionPart: parts[1]! };
    }
  } else if (lower.endsWith('.egg')) {
    const parts = fileName.slice(0, -'.egg'.length).split('-');
    if (parts.length >= 2 && parts.length <= 4)
      found = { kind: 'egg', namePart: parts[0]!, versionPart: parts[1]! };
  } else {
    const suffix = SDIST_SUFFIXES.find((candidate) => lower.endsWith(candidate));
    if (suffix)
      return orRefuse(splitSdistStem(fileName.slice(0, -suffix.length), name, version), name, version);
  }
  if (found && (!sameProject(found.namePart, name) || !sameVersion(found.versionPart, version))) found = null;
  return orRefuse(found, name, version);
}

function orRefuse(found: DistributionFile | null, name: string, version: string): DistributionFile {
  if (found) return found;
  throw new InvalidPackageInputError(
    `file name must be a wheel, sdist or egg of ${name} ${version} (PEP 427 / PEP 625 naming)`,
  );
}
