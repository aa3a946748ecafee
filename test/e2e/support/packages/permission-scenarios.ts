import type { PackageFixture } from './package-fixture';
import { runPermissionTable, type FormatProbes } from './permission-matrix';

/**
 * The permission table for each format: one step per format, listing every cell that disagrees
 * with GitLab's table, and a protection rule that stops a Developer but not a Maintainer.
 */
export function permissionScenarios(fx: PackageFixture, formats: readonly FormatProbes[]): void {
  for (const probes of formats) {
    fx.step(
      `${probes.type}: who may view, pull, publish and delete follows GitLab's table`,
      async () => {
        expect(await runPermissionTable(fx, probes)).toEqual([]);
      },
      300_000,
    );
  }

  const [first] = formats;
  if (!first) return;
  fx.step(`a protection rule stops a Developer from publishing, not a Maintainer`, async () => {
    const { ids, stack } = fx.world();
    const project = ids.projects.private;
    const rule = await fx.call('POST', `/projects/${project.id}/packages/protection/rules`, {
      headers: { 'Private-Token': stack.rootToken, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        package_name_pattern: first.type === 'generic' ? 'matrix*' : '*',
        package_type: first.type,
        minimum_access_level_for_push: 'maintainer',
      }),
    });
    expect(rule.status).toBe(201);
    const asRole = (role: 'developer' | 'maintainer') => ({
      credential: ids.members[role],
      via: 'private-token' as const,
    });
    const developer = await first.publish(fx, project, asRole('developer'), 'protected-dev');
    expect(developer.status).toBe(403);
    const maintainer = await first.publish(fx, project, asRole('maintainer'), 'protected-maintainer');
    expect(maintainer.status).toBeLessThan(300);
    const { id } = (await rule.json()) as { id: number };
    const removed = await fx.call('DELETE', `/projects/${project.id}/packages/protection/rules/${id}`, {
      headers: { 'Private-Token': stack.rootToken },
    });
    expect(removed.status).toBe(204);
  });
}
