import type { FormatProbes } from './permission-matrix';

/** The Maven format over HTTP, for the permission table: a jar PUT and GET as mvn sends them. */
const jarPath = (projectId: number, unique: string) =>
  `/projects/${projectId}/packages/maven/com/example/matrix/1.0.0-${unique}/matrix-1.0.0-${unique}.jar`;

export const mavenProbes: FormatProbes = {
  type: 'maven',
  publish: (fx, project, as, unique) =>
    fx.call('PUT', jarPath(project.id, unique), { as, body: `jar of ${unique}` }),
  pull: (fx, project, as, unique) => fx.call('GET', jarPath(project.id, unique), { as }),
};
