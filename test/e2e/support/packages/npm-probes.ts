import { createHash } from 'node:crypto';
import type { FormatProbes } from './permission-matrix';

/**
 * npm over HTTP for the permission table: publish is the document `npm publish` sends (one
 * version, the tarball in base64, its sha1 and sha512), pull downloads the tarball.
 */

const nameOf = (unique: string) => `matrix-${unique.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
const fileOf = (unique: string) => `${nameOf(unique)}-1.0.0.tgz`;
const tarballOf = (unique: string) => Buffer.from(`tarball of ${unique}`);

function publishDocument(unique: string): string {
  const name = nameOf(unique);
  const tarball = tarballOf(unique);
  return JSON.stringify({
    _id: name,
    name,
    'dist-tags': { latest: '1.0.0' },
    versions: {
      '1.0.0': {
        name,
        version: '1.0.0',
        dist: {
          shasum: createHash('sha1').update(tarball).digest('hex'),
          integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
        },
      },
    },
    _attachments: {
      [fileOf(unique)]: {
        content_type: 'application/octet-stream',
        data: tarball.toString('base64'),
        length: tarball.length,
      },
    },
  });
}

export const npmProbes: FormatProbes = {
  type: 'npm',
  publish: (fx, project, as, unique) =>
    fx.call('PUT', `/projects/${project.id}/packages/npm/${nameOf(unique)}`, {
      as,
      headers: { 'Content-Type': 'application/json' },
      body: publishDocument(unique),
    }),
  pull: (fx, project, as, unique) =>
    fx.call('GET', `/projects/${project.id}/packages/npm/${nameOf(unique)}/-/${fileOf(unique)}`, { as }),
};
