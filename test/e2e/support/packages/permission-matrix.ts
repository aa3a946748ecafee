import type { Credential } from '../identity-world';
import type { PackageFixture, Presentation } from './package-fixture';
import { ROLES, type PackageIdentities, type PackageProject, type Role } from './package-identities';

/**
 * GitLab's package permissions as a table, checked for every format over HTTP: each actor tries
 * to view (the Packages API), pull, publish and delete in each kind of project, and the answer
 * must be a success exactly where GitLab's table says so. Refusals must be 401 for anonymous
 * callers (so clients retry with credentials) and 403 or 404 for signed-in ones.
 */

export type Action = 'view' | 'pull' | 'publish' | 'delete';
export const ACTIONS: readonly Action[] = ['view', 'pull', 'publish', 'delete'];

export interface Actor {
  name: string;
  as?: { credential: Credential; via: Presentation };
  /** What GitLab's table keys on. */
  kind: 'anonymous' | 'outsider' | 'member' | 'read_api' | 'deploy_read' | 'deploy_write' | 'job';
  role?: Role;
}

/** A project row of the table: its visibility and its package registry's access level. */
export interface ProjectCase {
  project: PackageProject;
  registry: 'enabled' | 'public' | 'disabled';
}

/** What a format offers the table: one publish and one pull over plain HTTP. */
export interface FormatProbes {
  type: string;
  /** Publishes a new, unique version as `as` (anonymous when undefined); the raw answer. */
  publish(fx: PackageFixture, project: PackageProject, as: Actor['as'], unique: string): Promise<Response>;
  /** Pulls a file of the version `unique` (published by publish) as `as`. */
  pull(fx: PackageFixture, project: PackageProject, as: Actor['as'], unique: string): Promise<Response>;
}

export function actorsOf(ids: PackageIdentities, project: PackageProject): Actor[] {
  const member = (role: Role): Actor => ({
    name: `${role} (PAT api)`,
    kind: 'member',
    role,
    as: { credential: ids.members[role], via: 'private-token' },
  });
  return [
    { name: 'anonymous', kind: 'anonymous' },
    {
      name: 'non-member (PAT api)',
      kind: 'outsider',
      as: { credential: ids.outsider, via: 'private-token' },
    },
    member('guest'),
    member('reporter'),
    member('developer'),
    member('maintainer'),
    {
      name: 'developer (PAT read_api)',
      kind: 'read_api',
      role: 'developer',
      as: { credential: ids.developerReadApi, via: 'private-token' },
    },
    {
      name: 'deploy token (read)',
      kind: 'deploy_read',
      as: { credential: ids.deployRead, via: 'deploy-token' },
    },
    {
      name: 'deploy token (write)',
      kind: 'deploy_write',
      as: { credential: ids.deployWrite, via: 'deploy-token' },
    },
    {
      name: "developer's job token (own project)",
      kind: 'job',
      role: 'developer',
      as: { credential: ids.jobTokens.get(project.id)!, via: 'job-token' },
    },
  ];
}

function mayRead(actor: Actor, { project, registry }: ProjectCase): boolean {
  if (registry === 'disabled') return false;
  if (registry === 'public') return true;
  switch (actor.kind) {
    case 'anonymous':
      return project.visibility === 'public';
    case 'outsider':
      return project.visibility !== 'private';
    case 'deploy_read':
    case 'deploy_write':
      return true;
    default:
      return project.visibility !== 'private' || ROLES[actor.role!] >= ROLES.reporter;
  }
}

/** GitLab's table (issue 11): who may do what. */
export function allowed(actor: Actor, target: ProjectCase, action: Action): boolean {
  if (target.registry === 'disabled') return false;
  switch (action) {
    case 'view':
    case 'pull':
      return mayRead(actor, target);
    case 'publish':
      return (
        actor.kind === 'deploy_write' ||
        ((actor.kind === 'member' || actor.kind === 'job') && ROLES[actor.role!] >= ROLES.developer)
      );
    case 'delete':
      return (
        actor.kind === 'deploy_write' || (actor.kind === 'member' && ROLES[actor.role!] >= ROLES.maintainer)
      );
  }
}

export function projectCases(ids: PackageIdentities): ProjectCase[] {
  return [
    { project: ids.projects.public, registry: 'enabled' },
    { project: ids.projects.internal, registry: 'enabled' },
    { project: ids.projects.private, registry: 'enabled' },
    { project: ids.openPrivate, registry: 'public' },
    { project: ids.disabled, registry: 'disabled' },
  ];
}

async function statusOf(response: Response): Promise<number> {
  await response.body?.cancel();
  return response.status;
}

/** The newest package of the format named `name`-ish in the project, as root sees it. */
async function packageIdOf(fx: PackageFixture, project: PackageProject, type: string, unique: string) {
  const { rootToken } = fx.world().stack;
  const response = await fx.call(
    'GET',
    `/projects/${project.id}/packages?package_type=${type}&per_page=100&order_by=created_at&sort=desc`,
    { headers: { 'Private-Token': rootToken } },
  );
  const packages = (await response.json()) as { id: number; name: string; version: string }[];
  const found = packages.find((pkg) => pkg.version?.includes(unique) || pkg.name.includes(unique));
  if (!found) throw new Error(`no ${type} package ${unique} in ${project.path}: ${JSON.stringify(packages)}`);
  return found.id;
}

function judge(status: number, actor: Actor, expected: boolean): string | null {
  if (expected) return status >= 200 && status < 300 ? null : `expected success, got ${status}`;
  if (status >= 200 && status < 300) return `expected refusal, got ${status}`;
  if (actor.kind === 'anonymous') return status === 401 ? null : `expected 401, got ${status}`;
  return status === 403 || status === 404 ? null : `expected 403 or 404, got ${status}`;
}

/**
 * Runs the whole table for one format and returns every cell that disagrees (empty: all agree).
 * The package every actor pulls, views and deletes is published by root first (the Maintainer
 * publishing would be refused where the registry is disabled).
 */
export async function runPermissionTable(fx: PackageFixture, probes: FormatProbes): Promise<string[]> {
  const { ids, stack } = fx.world();
  const root = { credential: { username: 'root', secret: stack.rootToken }, via: 'private-token' as const };
  const mismatches: string[] = [];
  let counter = 0;
  for (const target of projectCases(ids)) {
    // Root may publish even where the registry is disabled? No: nothing can be published there.
    const seeded = `seed${++counter}`;
    if (target.registry !== 'disabled') {
      const seed = await probes.publish(fx, target.project, root, seeded);
      if (seed.status >= 300)
        throw new Error(
          `seeding ${probes.type} in ${target.project.path}: ${seed.status} ${await seed.text()}`,
        );
    }
    for (const actor of actorsOf(ids, target.project)) {
      const record = (action: Action, status: number) => {
        const problem = judge(status, actor, allowed(actor, target, action));
        if (problem)
          mismatches.push(
            `${probes.type} ${target.project.path} (${target.registry}) ${actor.name} ${action}: ${problem}`,
          );
      };
      const view = await fx.call(
        'GET',
        `/projects/${target.project.id}/packages?package_type=${probes.type}`,
        { as: actor.as },
      );
      record('view', await statusOf(view));
      record('pull', await statusOf(await probes.pull(fx, target.project, actor.as, seeded)));
      record('publish', await statusOf(await probes.publish(fx, target.project, actor.as, `p${++counter}`)));
      if (target.registry === 'disabled') {
        record(
          'delete',
          await statusOf(
            await fx.call('DELETE', `/projects/${target.project.id}/packages/1`, { as: actor.as }),
          ),
        );
        continue;
      }
      const victim = `d${++counter}`;
      const made = await probes.publish(fx, target.project, root, victim);
      if (made.status >= 300) throw new Error(`publishing ${victim}: ${made.status} ${await made.text()}`);
      const packageId = await packageIdOf(fx, target.project, probes.type, victim);
      record(
        'delete',
        await statusOf(
          await fx.call('DELETE', `/projects/${target.project.id}/packages/${packageId}`, { as: actor.as }),
        ),
      );
    }
  }
  return mismatches;
}
