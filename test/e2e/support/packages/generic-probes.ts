import type { FormatProbes } from './permission-matrix';

/** The generic format over HTTP, for the permission table. */
export const genericProbes: FormatProbes = {
  type: 'generic',
  publish: (fx, project, as, unique) =>
    fx.call('PUT', `/projects/${project.id}/packages/generic/matrix/1.0.0-${unique}/file.txt`, {
      as,
      body: `contents of ${unique}`,
    }),
  pull: (fx, project, as, unique) =>
    fx.call('GET', `/projects/${project.id}/packages/generic/matrix/1.0.0-${unique}/file.txt`, { as }),
};
