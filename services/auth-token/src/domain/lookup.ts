import type { Namespace, PrismaClient, Project } from '../generated/prisma/client';
import { routeKey } from './paths';

type Lookup = Pick<PrismaClient, 'project' | 'namespace' | 'route'>;

/** `:id` in GitLab URLs: a number, or a full path (already URL-decoded). */
export type Ref = number | string;

export function parseRef(raw: string): Ref {
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

export async function findProject(prisma: Lookup, ref: Ref): Promise<Project | null> {
  if (typeof ref === 'number') {
    return Number.isSafeInteger(ref) ? prisma.project.findUnique({ where: { id: ref } }) : null;
  }
  const route = await prisma.route.findUnique({
    where: { pathKey: routeKey(ref) },
    include: { project: true },
  });
  return route?.project ?? null;
}

export async function findGroup(prisma: Lookup, ref: Ref): Promise<Namespace | null> {
  const namespace =
    typeof ref === 'number'
      ? Number.isSafeInteger(ref)
        ? await prisma.namespace.findUnique({ where: { id: ref } })
        : null
      : ((await prisma.route.findUnique({ where: { pathKey: routeKey(ref) }, include: { namespace: true } }))
          ?.namespace ?? null);
  return namespace?.kind === 'group' ? namespace : null;
}
