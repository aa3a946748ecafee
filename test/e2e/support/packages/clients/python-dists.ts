import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync } from 'fflate';
import { create as createTar } from 'tar';

/**
 * A pure-Python distribution built by hand, with no build tool and no network: a wheel (a zip
 * with the `.dist-info` files pip checks) and an sdist (a tar.gz with PKG-INFO and a
 * pyproject.toml that setuptools can build). The module exposes `VALUE`, so an import shows
 * which build was installed.
 */
export interface PythonDistSpec {
  /** The project name as published (any case, `-`, `_` or `.`). */
  name: string;
  version: string;
  /** The importable package the distribution holds. */
  module: string;
  requiresPython?: string;
  summary?: string;
}

/** The name as wheel and sdist file names spell it (runs of `-_.` become `_`, lower case). */
export function distFileStem(spec: PythonDistSpec): string {
  return `${spec.name.replace(/[-_.]+/g, '_').toLowerCase()}-${spec.version}`;
}

/** What `import <module>; <module>.VALUE` gives for this build. */
export function moduleValue(spec: PythonDistSpec): string {
  return `${spec.name} ${spec.version}`;
}

/** Core metadata (METADATA in a wheel, PKG-INFO in an sdist), metadata version 2.1. */
export function coreMetadata(spec: PythonDistSpec): string {
  const lines = [
    'Metadata-Version: 2.1',
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    `Summary: ${spec.summary ?? `${spec.name} for the registry's end-to-end tests`}`,
    'License: MIT',
    'Description-Content-Type: text/markdown',
  ];
  if (spec.requiresPython) lines.push(`Requires-Python: ${spec.requiresPython}`);
  // The body is the long description; `twine check --strict` wants one it can render.
  return `${lines.join('\n')}\n\n# ${spec.name}\n\nA package built by the registry's end-to-end tests.\n`;
}

const moduleSource = (spec: PythonDistSpec) => `VALUE = ${JSON.stringify(moduleValue(spec))}\n`;

/** RECORD's hash form: `sha256=` and the unpadded url-safe base64 digest. */
const recordHash = (content: Buffer) => `sha256=${createHash('sha256').update(content).digest('base64url')}`;

/** Writes `<stem>-py3-none-any.whl` into `outDir` and returns its path. */
export async function buildWheel(outDir: string, spec: PythonDistSpec): Promise<string> {
  const distInfo = `${distFileStem(spec)}.dist-info`;
  const files = new Map<string, Buffer>([
    [`${spec.module}/__init__.py`, Buffer.from(moduleSource(spec))],
    [`${distInfo}/METADATA`, Buffer.from(coreMetadata(spec))],
    [
      `${distInfo}/WHEEL`,
      Buffer.from('Wheel-Version: 1.0\nGenerator: stowage-e2e\nRoot-Is-Purelib: true\nTag: py3-none-any\n'),
    ],
  ]);
  const record = [...files].map(([name, content]) => `${name},${recordHash(content)},${content.length}`);
  record.push(`${distInfo}/RECORD,,`);
  files.set(`${distInfo}/RECORD`, Buffer.from(`${record.join('\n')}\n`));

  await mkdir(outDir, { recursive: true });
  const wheel = path.join(outDir, `${distFileStem(spec)}-py3-none-any.whl`);
  await writeFile(wheel, zipSync(Object.fromEntries([...files].map(([name, content]) => [name, content]))));
  return wheel;
}

/** Writes `<stem>.tar.gz` (PEP 625) into `outDir` and returns its path. */
export async function buildSdist(outDir: string, spec: PythonDistSpec): Promise<string> {
  const stem = distFileStem(spec);
  const staging = await mkdtemp(path.join(outDir, '.sdist-'));
  try {
    const root = path.join(staging, stem);
    await mkdir(path.join(root, spec.module), { recursive: true });
    await writeFile(path.join(root, 'PKG-INFO'), coreMetadata(spec));
    await writeFile(path.join(root, spec.module, '__init__.py'), moduleSource(spec));
    await writeFile(
      path.join(root, 'pyproject.toml'),
      [
        '[build-system]',
        'requires = ["setuptools>=61"]',
        'build-backend = "setuptools.build_meta"',
        '',
        '[project]',
        `name = ${JSON.stringify(spec.name)}`,
        `version = ${JSON.stringify(spec.version)}`,
        `description = ${JSON.stringify(spec.summary ?? `${spec.name} for the registry's end-to-end tests`)}`,
        ...(spec.requiresPython ? [`requires-python = ${JSON.stringify(spec.requiresPython)}`] : []),
        '',
        '[tool.setuptools]',
        `packages = [${JSON.stringify(spec.module)}]`,
        '',
      ].join('\n'),
    );
    const sdist = path.join(outDir, `${stem}.tar.gz`);
    await createTar({ gzip: true, portable: true, cwd: staging, file: sdist }, [stem]);
    return sdist;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
