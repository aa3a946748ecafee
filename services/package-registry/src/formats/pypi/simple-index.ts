/**
 * The simple repository API's documents: PEP 503 HTML and PEP 691 JSON, at API version 1.1
 * (PEP 700: sizes, upload times, the version list), with PEP 658/714 core metadata. Pure
 * functions of what the index lists; the routes decide which one a client gets.
 */

export const API_VERSION = '1.1';

export interface IndexFile {
  fileName: string;
  /** Where the file is downloaded, without the hash fragment. */
  url: string;
  sha256: string;
  size: number;
  uploadedAt: Date;
  version: string;
  requiresPython: string | null;
  /** SHA-256 of the core metadata served at `<url>.metadata`, when there is one (wheels). */
  coreMetadataSha256: string | null;
}

export interface IndexProject {
  name: string;
  /** The project's page. */
  url: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe inside an element or a double-quoted attribute. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

function page(title: string, links: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '  <head>',
    `    <meta name="pypi:repository-version" content="${API_VERSION}">`,
    `    <title>${escapeHtml(title)}</title>`,
    '  </head>',
    '  <body>',
    `    <h1>${escapeHtml(title)}</h1>`,
    ...links.map((link) => `    ${link}<br>`),
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

function fileLink(file: IndexFile): string {
  const attributes = [`href="${escapeHtml(`${file.url}#sha256=${file.sha256}`)}"`];
  if (file.requiresPython) attributes.push(`data-requires-python="${escapeHtml(file.requiresPython)}"`);
  if (file.coreMetadataSha256) {
    const value = `sha256=${file.coreMetadataSha256}`;
    // PEP 714's name, and PEP 658's for pips before 23.2 (harmless in HTML, unlike in JSON).
    attributes.push(`data-core-metadata="${value}"`, `data-dist-info-metadata="${value}"`);
  }
  return `<a ${attributes.join(' ')}>${escapeHtml(file.fileName)}</a>`;
}

/** PEP 503's project page: one link per file. */
export function projectPageHtml(name: string, files: readonly IndexFile[]): string {
  return page(`Links for ${name}`, files.map(fileLink));
}

/** PEP 700's upload time, `yyyy-mm-ddThh:mm:ss.ffffffZ` (microseconds; ours are whole milliseconds). */
export const uploadTime = (date: Date): string => date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** The versions in the order their first file arrived. */
function versionsOf(files: readonly IndexFile[]): string[] {
  return [...new Set(files.map((file) => file.version))];
}

/** PEP 691's project page. `core-metadata` only: pips 22.3 to 23.1 break on `dist-info-metadata` in JSON (PEP 714). */
export function projectPageJson(normalizedName: string, files: readonly IndexFile[]): object {
  return {
    meta: { 'api-version': API_VERSION },
    name: normalizedName,
    versions: versionsOf(files),
    files: files.map((file) => ({
      filename: file.fileName,
      url: file.url,
      hashes: { sha256: file.sha256 },
      ...(file.requiresPython ? { 'requires-python': file.requiresPython } : {}),
      ...(file.coreMetadataSha256 ? { 'core-metadata': { sha256: file.coreMetadataSha256 } } : {}),
      size: file.size,
      'upload-time': uploadTime(file.uploadedAt),
      yanked: false,
    })),
  };
}

/** PEP 503's root page: one link per project. */
export function projectListHtml(projects: readonly IndexProject[]): string {
  return page(
    'Simple index',
    projects.map((project) => `<a href="${escapeHtml(project.url)}">${escapeHtml(project.name)}</a>`),
  );
}

/** PEP 691's root page. */
export function projectListJson(projects: readonly IndexProject[]): object {
  return {
    meta: { 'api-version': API_VERSION },
    projects: projects.map((project) => ({ name: project.name })),
  };
}
