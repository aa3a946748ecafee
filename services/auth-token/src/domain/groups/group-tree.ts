import type { Namespace, Prisma, PrismaClient, Project } from '../../generated/prisma/client';
import { AUTH_TOKEN_SCHEMA } from '../../schema';
import { namespaceChain } from '../membership';

type Tx = Pick<Prisma.TransactionClient, '$queryRawUnsafe' | 'namespace' | 'project'>;

const S = `"${AUTH_TOKEN_SCHEMA}"`;

/** GitLab allows groups nested 20 levels deep, the top-level group included. */
export const MAX_GROUP_DEPTH = 20;

/**
 * Locks a namespace and its ancestors against change (FOR SHARE, root first) and returns them
 * nearest first, as committed now. Whatever is created inside the namespace in this transaction
 * then sees paths and visibilities that a concurrent rename or visibility change cannot move
 * under it: those lock the same rows FOR UPDATE and wait, or have committed already.
 * Empty when the namespace does not exist.
 */
export async function lockChain(tx: Tx, namespaceId: number): Promise<Namespace[]> {
  const ids = await namespaceChain(tx, namespaceId);
  for (const id of [...ids].reverse()) {
    await tx.$queryRawUnsafe(`SELECT id FROM ${S}."namespaces" WHERE id = $1 FOR SHARE`, id);
  }
  const rows = await tx.namespace.findMany({ where: { id: { in: ids } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is Namespace => row !== undefined);
}

/** Locks one namespace for a change to it (rename, visibility, membership, deletion). */
export async function lockForUpdate(tx: Tx, namespaceId: number): Promise<Namespace | null> {
  await tx.$queryRawUnsafe(`SELECT id FROM ${S}."namespaces" WHERE id = $1 FOR UPDATE`, namespaceId);
  return tx.namespace.findUnique({ where: { id: namespaceId } });
}

/** Every group beneath a namespace (not itself), parents before children. */
export async function descendantGroups(tx: Tx, namespaceId: number): Promise<Namespace[]> {
  const rows = await tx.$queryRawUnsafe<{ id: number }[]>(
    `WITH RECURSIVE sub AS (
       SELECT id, 1 AS depth FROM ${S}."namespaces" WHERE parent_id = $1
       UNION ALL
       SELECT n.id, sub.depth + 1 FROM ${S}."namespaces" n JOIN sub ON n.parent_id = sub.id
     ) SELECT id FROM sub ORDER BY depth, id`,
    namespaceId,
  );
  const ids = rows.map((row) => Number(row.id));
  const found = await tx.namespace.findMany({ where: { id: { in: ids } } });
  const byId = new Map(found.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is Namespace => row !== undefined);
}

/** Projects held by any of the given namespaces. */
export function projectsIn(tx: Tx, namespaceIds: number[]): Promise<Project[]> {
  return tx.project.findMany({ where: { namespaceId: { in: namespaceIds } }, orderBy: { id: 'asc' } });
}

/**
 * GitLab's `full_name` of namespaces ("Parent / Child"), for many at once: one recursive query
 * walks every chain.
 */
export async function fullNames(
  prisma: Pick<PrismaClient, '$queryRawUnsafe'>,
  namespaceIds: number[],
): Promise<Map<number, string>> {
  const ids = [...new Set(namespaceIds)].filter(Number.isSafeInteger);
  if (ids.length === 0) return new Map();
  const rows = await prisma.$queryRawUnsafe<{ start: number; full_name: string }[]>(
    `WITH RECURSIVE chain AS (
       SELECT id AS start, id, parent_id, name, 0 AS depth FROM ${S}."namespaces"
         WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})
       UNION ALL
       SELECT c.start, n.id, n.parent_id, n.name, c.depth + 1
         FROM ${S}."namespaces" n JOIN chain c ON n.id = c.parent_id
     )
     SELECT start, string_agg(name, ' / ' ORDER BY depth DESC) AS full_name FROM chain GROUP BY start`,
    ...ids,
  );
  return new Map(rows.map((row) => [Number(row.start), row.full_name]));
}
