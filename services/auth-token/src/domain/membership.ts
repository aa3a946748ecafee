import type { PrismaClient, User } from '../generated/prisma/client';
import { AUTH_TOKEN_SCHEMA } from '../schema';
import { ACCESS_LEVEL, NO_ACCESS } from './access-level';

type Raw = Pick<PrismaClient, '$queryRawUnsafe'>;

// The namespace and all its ancestors, nearest first, in one round trip.
const CHAIN = `
  WITH RECURSIVE chain AS (
    SELECT id, parent_id, owner_id, 0 AS depth FROM "${AUTH_TOKEN_SCHEMA}"."namespaces" WHERE id = $1
    UNION ALL
    SELECT n.id, n.parent_id, n.owner_id, c.depth + 1
    FROM "${AUTH_TOKEN_SCHEMA}"."namespaces" n JOIN chain c ON n.id = c.parent_id
  )`;

/** Ids of a namespace and its ancestors, nearest first. */
export async function namespaceChain(prisma: Raw, namespaceId: number): Promise<number[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: number }[]>(
    `${CHAIN} SELECT id FROM chain ORDER BY depth`,
    namespaceId,
  );
  return rows.map((row) => Number(row.id));
}

/**
 * A user's access level on a namespace (and optionally a project in it): the highest of their
 * unexpired memberships on the project and on every ancestor group. Owning a personal namespace
 * makes one Owner of it; admins are Owner everywhere.
 */
async function levelOn(
  prisma: Raw,
  user: Pick<User, 'id' | 'admin'>,
  namespaceId: number,
  projectId: number | null,
): Promise<number> {
  if (user.admin) return ACCESS_LEVEL.owner;
  const [row] = await prisma.$queryRawUnsafe<{ level: number | null; owns: boolean | null }[]>(
    `${CHAIN}
     SELECT
       (SELECT MAX(m.access_level) FROM "${AUTH_TOKEN_SCHEMA}"."members" m
         WHERE m.user_id = $2
           AND (m.expires_at IS NULL OR m.expires_at > CURRENT_DATE)
           AND (m.namespace_id IN (SELECT id FROM chain) OR m.project_id = $3)) AS level,
       (SELECT bool_or(owner_id = $2) FROM chain) AS owns`,
    namespaceId,
    user.id,
    projectId ?? -1,
  );
  if (row?.owns) return ACCESS_LEVEL.owner;
  return row?.level === null || row?.level === undefined ? NO_ACCESS : Number(row.level);
}

export function accessLevelOnProject(
  prisma: Raw,
  user: Pick<User, 'id' | 'admin'>,
  project: { id: number; namespaceId: number },
): Promise<number> {
  return levelOn(prisma, user, project.namespaceId, project.id);
}

export function accessLevelOnNamespace(
  prisma: Raw,
  user: Pick<User, 'id' | 'admin'>,
  namespaceId: number,
): Promise<number> {
  return levelOn(prisma, user, namespaceId, null);
}
