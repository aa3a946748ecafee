import type { PrismaClient, ProxyDb } from './client';

/** An upstream as stored: the password stays encrypted until the proxy builds its client. */
export interface StoredUpstream {
  name: string;
  url: string;
  username: string | null;
  passwordEncrypted: string | null;
  prefix: string | null;
  libraryPrefix: boolean;
}

export interface ProxyGroupSettings {
  groupId: number;
  enabled: boolean;
  anonymousPulls: boolean;
  ttlEnabled: boolean;
  ttlDays: number;
  /** In the order they are asked; empty: the instance's upstream. */
  upstreams: StoredUpstream[];
}

/** GitLab's defaults: the proxy on, its TTL policy off with 90 days. */
export const DEFAULT_TTL_DAYS = 90;

function defaults(groupId: number): ProxyGroupSettings {
  return {
    groupId,
    enabled: true,
    anonymousPulls: false,
    ttlEnabled: false,
    ttlDays: DEFAULT_TTL_DAYS,
    upstreams: [],
  };
}

/** A group's settings; a group nobody configured has the defaults. */
export async function findGroupSettings(db: ProxyDb, groupId: number): Promise<ProxyGroupSettings> {
  const row = await db.groupSettings.findUnique({
    where: { groupId },
    include: { upstreams: { orderBy: { position: 'asc' } } },
  });
  if (!row) return defaults(groupId);
  return {
    groupId,
    enabled: row.enabled,
    anonymousPulls: row.anonymousPulls,
    ttlEnabled: row.ttlEnabled,
    ttlDays: row.ttlDays,
    upstreams: row.upstreams.map((upstream) => ({
      name: upstream.name,
      url: upstream.url,
      username: upstream.username,
      passwordEncrypted: upstream.passwordEncrypted,
      prefix: upstream.prefix,
      libraryPrefix: upstream.libraryPrefix,
    })),
  };
}

export type GroupSettingsChange = Partial<Omit<ProxyGroupSettings, 'groupId'>>;

/**
 * Applies a change in one transaction: the fields given, and the upstream list replaced as a
 * whole when given. Turning the TTL policy on schedules its first run at the next scheduler pass.
 */
export async function saveGroupSettings(
  prisma: PrismaClient,
  groupId: number,
  change: GroupSettingsChange,
): Promise<ProxyGroupSettings> {
  const { upstreams, ...fields } = change;
  return prisma.$transaction(async (tx) => {
    const ttlTurnedOn = fields.ttlEnabled === true ? { ttlNextRunAt: null } : {};
    await tx.groupSettings.upsert({
      where: { groupId },
      create: { groupId, ...fields },
      update: { ...fields, ...ttlTurnedOn },
    });
    if (upstreams) {
      await tx.upstream.deleteMany({ where: { groupId } });
      await tx.upstream.createMany({
        data: upstreams.map((upstream, position) => ({ groupId, position, ...upstream })),
      });
    }
    return findGroupSettings(tx, groupId);
  });
}
