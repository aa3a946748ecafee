import { createHash } from 'node:crypto';
import type { FormatProbes } from './permission-matrix';

/**
 * PyPI over HTTP for the permission table: publish is twine's multipart upload of a small sdist
 * (the registry does not open sdists), pull downloads it from the simple index's file route.
 */

const nameOf = (unique: string) => `matrix-${unique.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
const fileOf = (unique: string) => `${nameOf(unique).replace(/-/g, '_')}-1.0.0.tar.gz`;
const contentOf = (unique: string) => Buffer.from(`sdist of ${unique}`);
const sha256Of = (unique: string) => createHash('sha256').update(contentOf(unique)).digest('hex');

export const pypiProbes: FormatProbes = {
  type: 'pypi',
  publish(fx, project, as, unique) {
    const form = new FormData();
    form.set(':action', 'file_upload');
    form.set('name', nameOf(unique));
    form.set('version', '1.0.0');
    form.set('sha256_digest', sha256Of(unique));
    form.set('content', new Blob([contentOf(unique)]), fileOf(unique));
    return fx.call('POST', `/projects/${project.id}/packages/pypi`, { as, body: form });
  },
  pull: (fx, project, as, unique) =>
    fx.call('GET', `/projects/${project.id}/packages/pypi/files/${sha256Of(unique)}/${fileOf(unique)}`, {
      as,
    }),
};
