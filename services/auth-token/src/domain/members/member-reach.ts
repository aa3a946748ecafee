import type { PrismaClient } from '../../generated/prisma/client';
import { AUTH_TOKEN_SCHEMA } from '../../schema';
import { ACCESS_LEVEL } from '../access-level';

type Raw = Pick<PrismaClient, '$queryRawUnsafe'>;

/** Everything one user's unexpired memberships reach, for filtering lists in one query each. */
export interface MemberReach {
  /** Namespaces the user holds a role in: member groups, every group beneath them (inheriting
   *  the role), and their personal namespace (Owner). The highest level per namespace. */
  namespaceLevels: Map<number, number>;
  /** Projects the user is a direct member of, with that level. */
  projectLevels: Map<number, number>;
  /** Groups above the user's memberships: member groups' ancestors, and the groups that hold
   *  the projects they are a member of, with all their ancestors. */
  groupsAbove: Set<number>;
}

const S = `"${AUTH_TOKEN_SCHEMA}"`;
const UNEXPIRED = `(m.expires_at IS NULL OR m.expires_at > CURRENT_DATE)`;

const NAMESPACE_LEVELS = `
  WITH RECURSIVE down AS (
    SELECT m.namespace_id AS id, m.access_level AS level
      FROM ${S}."members" m WHERE m.user_id = $1 AND m.namespace_id IS NOT NULL AND ${UNEXPIRED}
    UNION ALL
    SELECT n.id, d.level FROM ${S}."namespaces" n JOIN down d ON n.parent_id = d.id
  )
  SELECT id, MAX(level) AS level FROM down GROUP BY id
  UNION ALL
  SELECT id, ${ACCESS_LEVEL.owner} FROM ${S}."namespaces" WHERE owner_id = $1`;

const PROJECT_LEVELS = `
  SELECT m.project_id AS id, m.access_level AS level
    FROM ${S}."members" m WHERE m.user_id = $1 AND m.project_id IS NOT NULL AND ${UNEXPIRED}`;

const GROUPS_ABOVE = `
  WITH RECURSIVE seeds AS (
    SELECT n.parent_id AS id FROM ${S}."members" m JOIN ${S}."namespaces" n ON n.id = m.namespace_id
      WHERE m.user_id = $1 AND ${UNEXPIRED} AND n.parent_id IS NOT NULL
    UNION
    SELECT p.namespace_id FROM ${S}."members" m JOIN ${S}."projects" p ON p.id = m.project_id
      WHERE m.user_id = $1 AND ${UNEXPIRED}
  ), up AS (
    SELECT id FROM seeds
    UNION
    SELECT n.parent_id FROM ${S}."namespaces" n JOIN up ON n.id = up.id WHERE n.parent_id IS NOT NULL
  )
  SELECT up.id FROM up JOIN ${S}."namespaces" n ON n.id = up.id WHERE n.kind = 'group'`;

function levels(rows: { id: number; level: number }[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const row of rows) {
    const id = Number(row.id);
    map.set(id, Math.max(map.get(id) ?? 0, Number(row.level)));
  }
  return map;
}

export async function memberReach(prisma: Raw, userId: number): Promise<MemberReach> {
  const [namespaceRows, projectRows, aboveRows] = await Promise.all([
    prisma.$queryRawUnsafe<{ id: number; level: number }[]>(NAMESPACE_LEVELS, userId),
    prisma.$queryRawUnsafe<{ id: number; level: number }[]>(PROJECT_LEVELS, userId),
    prisma.$queryRawUnsafe<{ id: number }[]>(GROUPS_ABOVE, userId),
  ]);
  return {
    namespaceLevels: levels(namespaceRows),
    projectLevels: levels(projectRows),
    groupsAbove: new Set(aboveRows.map((row) => Number(row.id))),
  };
}

/** A user's level on a project as their reach knows it (personal namespace, groups, the project). */
export function projectLevelIn(reach: MemberReach, project: { id: number; namespaceId: number }): number {
  return Math.max(
    reach.namespaceLevels.get(project.namespaceId) ?? 0,
    reach.projectLevels.get(project.id) ?? 0,
  );
}
