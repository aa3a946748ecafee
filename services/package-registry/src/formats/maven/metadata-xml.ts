import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { InvalidPackageInputError } from '../../core/package-errors';

/**
 * maven-metadata.xml as a plain model, read and written with fast-xml-parser. Only the elements
 * Maven's repository metadata defines are kept (metadata 1.1.0: groupId, artifactId, version,
 * versioning, plugins); anything else is dropped when a document is rewritten.
 */

export interface SnapshotVersion {
  classifier?: string;
  extension: string;
  value: string;
  updated?: string;
}

export interface MavenPlugin {
  name?: string;
  prefix: string;
  artifactId: string;
}

export interface MavenMetadata {
  groupId?: string;
  artifactId?: string;
  version?: string;
  versioning?: {
    latest?: string;
    release?: string;
    versions: string[];
    /** `yyyyMMddHHmmss`, UTC. */
    lastUpdated?: string;
    /** `yyyyMMdd.HHmmss` and the build number of a SNAPSHOT's newest build. */
    snapshot?: { timestamp?: string; buildNumber?: number; localCopy?: boolean };
    snapshotVersions: SnapshotVersion[];
  };
  plugins: MavenPlugin[];
}

const LISTS = new Set([
  'metadata.versioning.versions.version',
  'metadata.versioning.snapshotVersions.snapshotVersion',
  'metadata.plugins.plugin',
]);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name, jpath) => LISTS.has(String(jpath)),
});

type Node = Record<string, unknown>;

/** An element's text, or undefined when it is absent or not text. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

const node = (value: unknown): Node => (value !== null && typeof value === 'object' ? (value as Node) : {});
const list = (value: unknown): Node[] => (Array.isArray(value) ? value.map(node) : []);
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(text).filter((v): v is string => v !== undefined) : [];

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function readSnapshot(value: unknown): NonNullable<MavenMetadata['versioning']>['snapshot'] {
  if (value === undefined) return undefined;
  const snapshot = node(value);
  const buildNumber = text(snapshot.buildNumber);
  return definedOnly({
    timestamp: text(snapshot.timestamp),
    buildNumber: buildNumber !== undefined && /^\d{1,9}$/.test(buildNumber) ? Number(buildNumber) : undefined,
    localCopy: text(snapshot.localCopy) === 'true' ? true : undefined,
  });
}

/**
 * Parses an uploaded maven-metadata.xml. Refuses (InvalidPackageInputError, 400) what is not
 * well-formed XML, declares a DOCTYPE (no entity tricks reach the parser) or is not `<metadata>`.
 */
export function parseMetadataXml(document: Buffer | string): MavenMetadata {
  const xml = typeof document === 'string' ? document : document.toString('utf8');
  if (/<!DOCTYPE/i.test(xml))
    throw new InvalidPackageInputError('maven-metadata.xml must not declare a DOCTYPE');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new InvalidPackageInputError(
      `maven-metadata.xml is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`,
    );
  }
  const root = parser.parse(xml) as Node;
  if (!('metadata' in root))
    throw new InvalidPackageInputError('maven-metadata.xml must have a <metadata> root element');
  const metadata = node(root.metadata);
  const versioning = metadata.versioning === undefined ? undefined : node(metadata.versioning);
  return definedOnly({
    groupId: text(metadata.groupId),
    artifactId: text(metadata.artifactId),
    version: text(metadata.version),
    versioning: versioning
      ? definedOnly({
          latest: text(versioning.latest),
          release: text(versioning.release),
          versions: texts(node(versioning.versions).version),
          lastUpdated: text(versioning.lastUpdated),
          snapshot: readSnapshot(versioning.snapshot),
          snapshotVersions: list(node(versioning.snapshotVersions).snapshotVersion).flatMap((entry) => {
            const extension = text(entry.extension);
            const value = text(entry.value);
            if (extension === undefined || value === undefined) return [];
            return [
              definedOnly({
                classifier: text(entry.classifier),
                extension,
                value,
                updated: text(entry.updated),
              }),
            ];
          }),
        })
      : undefined,
    plugins: list(node(metadata.plugins).plugin).flatMap((entry) => {
      const prefix = text(entry.prefix);
      const artifactId = text(entry.artifactId);
      return prefix && artifactId ? [definedOnly({ name: text(entry.name), prefix, artifactId })] : [];
    }),
  });
}

const builder = new XMLBuilder({
  format: true,
  indentBy: '  ',
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
});

/** Writes the model as Maven writes repository metadata (elements in the schema's order). */
export function buildMetadataXml(metadata: MavenMetadata): string {
  const v = metadata.versioning;
  const versioning = v
    ? definedOnly({
        latest: v.latest,
        release: v.release,
        snapshot: v.snapshot
          ? definedOnly({
              timestamp: v.snapshot.timestamp,
              buildNumber: v.snapshot.buildNumber,
              localCopy: v.snapshot.localCopy,
            })
          : undefined,
        versions: v.versions.length > 0 ? { version: v.versions } : undefined,
        lastUpdated: v.lastUpdated,
        snapshotVersions:
          v.snapshotVersions.length > 0
            ? { snapshotVersion: v.snapshotVersions.map((entry) => definedOnly({ ...entry })) }
            : undefined,
      })
    : undefined;
  const body = definedOnly({
    // Version-level (SNAPSHOT) documents carry snapshotVersions, which need model 1.1.0.
    '@_modelVersion': metadata.version !== undefined ? '1.1.0' : undefined,
    groupId: metadata.groupId,
    artifactId: metadata.artifactId,
    version: metadata.version,
    versioning,
    plugins:
      metadata.plugins.length > 0
        ? { plugin: metadata.plugins.map((p) => definedOnly({ ...p })) }
        : undefined,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ metadata: body }) as string}`;
}
