import { createHash } from 'node:crypto';
import type { FormatProbes } from './permission-matrix';

/**
 * npm over HTTP for the permission table: publish is the document `npm publish` sends (one
 * version, the tarball in base64, its sha1 and sha512), pull downloads the tarball.
 */

/** The JSON `npm publish` PUTs for one version of `name`; `dist` overrides what npm computed. */
export function npmPublishDocument(
  name: string,
  version: string,
  tarball: Buffer,
  dist: Record<string, string> = {},
): string {
  const file = `${name}-${version}.tgz`;
  return JSON.stringify({
    _id: name,
    name,
    'dist-tags': { latest: version },
    versions: {
      [version]: {
        name,
        version,
        dist: {
          shasum: createHash('sha1').update(tarball).digest('hex'),
          integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
          ...dist,
        },
      },
    },
    _attachments: {
      [file]: {
        content_type: 'application/octet-stream',
        data: tarball.toString('base64'),
        length: tarball.length,
      },
    },
  });
}

const nameOf = (unique: string) => `matrix-${unique.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

export const npmProbes: FormatProbes = {
  type: 'npm',
  publish: (fx, project, as, unique) =>
    fx.call('PUT', `/projects/${project.id}/packages/npm/${nameOf(unique)}`, {
      as,
      headers: { 'Content-Type': 'application/json' },
      body: npmPublishDocument(nameOf(unique), '1.0.0', Buffer.from(`tarball of ${unique}`)),
    }),
  pull: (fx, project, as, unique) =>
    fx.call('GET', `/projects/${project.id}/packages/npm/${nameOf(unique)}/-/${nameOf(unique)}-1.0.0.tgz`, {
      as,
    }),
};
