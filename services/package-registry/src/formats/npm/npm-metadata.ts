import semver from 'semver';
import { integrityOf } from './publish-request';

/**
 * npm's package documents ("packuments") from what the registry stores: each version's manifest
 * as published, with `dist` rewritten from the stored file (the tarball at the endpoint the client
 * used, sha1 and sha512 of the stored bytes), and the dist-tags. The full document is what `npm
 * view` and `npm deprecate` read; the abbreviated one (`application/vnd.npm.install-v1+json`)
 * carries only what installing needs.
 */

type Json = Record<string, unknown>;

export interface NpmVersionRecord {
  version: string;
  manifest: Json;
  file: { fileName: string; sha1: string; sha512: string };
  createdAt: Date;
}

export const ABBREVIATED_MEDIA_TYPE = 'application/vnd.npm.install-v1+json';

/** The fields of a version npm's install-v1 document keeps (npm's registry documentation). */
const ABBREVIATED_FIELDS = [
  'name',
  'version',
  'deprecated',
  'dependencies',
  'optionalDependencies',
  'devDependencies',
  'bundleDependencies',
  'bundledDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'acceptDependencies',
  'bin',
  'directories',
  'engines',
  'os',
  'cpu',
  'libc',
  'funding',
  'license',
  '_hasShrinkwrap',
] as const;

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/** `<base>/<name>/-/<file>`, `base` being the endpoint the client asked (project, group or instance). */
export function tarballUrl(base: string, name: string, fileName: string): string {
  return `${base}/${name}/-/${encodeURIComponent(fileName)}`;
}

function distOf(record: NpmVersionRecord, name: string, base: string): Json {
  const published = (record.manifest.dist as Json | undefined) ?? {};
  return {
    ...published,
    shasum: record.file.sha1,
    integrity: integrityOf(record.file.sha512),
    tarball: tarballUrl(base, name, record.file.fileName),
  };
}

/** Dist-tags that name a version being served (a tag of a hidden version is left out). */
export function servedTags(
  tags: Record<string, string>,
  records: NpmVersionRecord[],
): Record<string, string> {
  const versions = new Set(records.map((record) => record.version));
  return Object.fromEntries(Object.entries(tags).filter(([, version]) => versions.has(version)));
}

function byVersion(records: NpmVersionRecord[]): NpmVersionRecord[] {
  return [...records].sort((a, b) => semver.compare(a.version, b.version));
}

function modifiedOf(records: NpmVersionRecord[]): string {
  const newest = Math.max(...records.map((record) => record.createdAt.getTime()));
  return new Date(newest).toISOString();
}

export function fullPackument(
  name: string,
  records: NpmVersionRecord[],
  tags: Record<string, string>,
  base: string,
): Json {
  const sorted = byVersion(records);
  const versions: Json = {};
  const time: Record<string, string> = {};
  for (const record of sorted) {
    versions[record.version] = {
      ...record.manifest,
      name,
      version: record.version,
      dist: distOf(record, name, base),
    };
    time[record.version] = record.createdAt.toISOString();
  }
  const created = Math.min(...sorted.map((record) => record.createdAt.getTime()));
  return {
    _id: name,
    name,
    'dist-tags': servedTags(tags, sorted),
    versions,
    time: { created: new Date(created).toISOString(), modified: modifiedOf(sorted), ...time },
  };
}

function abbreviatedVersion(record: NpmVersionRecord, name: string, base: string): Json {
  const kept: Json = {};
  for (const field of ABBREVIATED_FIELDS) {
    if (record.manifest[field] !== undefined) kept[field] = record.manifest[field];
  }
  const scripts = (record.manifest.scripts as Json | undefined) ?? {};
  const hasInstallScript = INSTALL_SCRIPTS.some((script) => typeof scripts[script] === 'string');
  return {
    ...kept,
    name,
    version: record.version,
    ...(hasInstallScript ? { hasInstallScript: true } : {}),
    dist: distOf(record, name, base),
  };
}

export function abbreviatedPackument(
  name: string,
  records: NpmVersionRecord[],
  tags: Record<string, string>,
  base: string,
): Json {
  const sorted = byVersion(records);
  const versions: Json = {};
  for (const record of sorted) versions[record.version] = abbreviatedVersion(record, name, base);
  return { name, modified: modifiedOf(sorted), 'dist-tags': servedTags(tags, sorted), versions };
}

/** Whether the client asked for the abbreviated document (npm install does; npm view does not). */
export function wantsAbbreviated(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept
    .split(',')
    .map((part) => part.trim().split(';'))
    .some(([type, ...params]) => {
      if (type?.trim().toLowerCase() !== ABBREVIATED_MEDIA_TYPE) return false;
      return !params.some((param) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(param));
    });
}
