import type { ApplicationSetting, PrismaClient } from '../../generated/prisma/client';
import { recordIdentityEvent } from '../identity-events';

const SINGLETON = { id: 1 };

export interface SettingsChanges {
  packageRegistryAllowAnyoneToPullOption?: boolean;
  containerRegistryExpirationPoliciesWorkerCapacity?: number;
  containerRegistryDeleteTagsServiceTimeout?: number;
  containerRegistryCleanupTagsServiceMaxListSize?: number;
  containerRegistryTokenExpireDelay?: number;
}

/**
 * The longest `container_registry_token_expire_delay`, in minutes: registries remember a
 * revocation for an hour (RevocationList's default), so no token may outlive that.
 */
export const MAX_TOKEN_EXPIRE_DELAY_MINUTES = 60;

/** Seconds a registry token lives: the setting once an admin set it, else REGISTRY_TOKEN_TTL_SECONDS. */
export function registryTokenLifetimeSeconds(
  settings: Pick<ApplicationSetting, 'containerRegistryTokenExpireDelay'> | null,
  configuredSeconds: number,
): number {
  const minutes = settings?.containerRegistryTokenExpireDelay ?? null;
  return minutes === null ? configuredSeconds : minutes * 60;
}

/** The same, read for one token (a plain read: /jwt/auth must not write). */
export async function currentRegistryTokenLifetimeSeconds(
  prisma: PrismaClient,
  configuredSeconds: number,
): Promise<number> {
  const settings = await prisma.applicationSetting.findUnique({
    where: SINGLETON,
    select: { containerRegistryTokenExpireDelay: true },
  });
  return registryTokenLifetimeSeconds(settings, configuredSeconds);
}

/** The instance's one settings row (the migration creates it; recreated if someone removed it). */
export function readApplicationSettings(prisma: PrismaClient): Promise<ApplicationSetting> {
  return prisma.applicationSetting.upsert({ where: SINGLETON, create: SINGLETON, update: {} });
}

/** Applies the changes and announces them, so services that cached the settings reload them. */
export function updateApplicationSettings(
  prisma: PrismaClient,
  changes: SettingsChanges,
): Promise<ApplicationSetting> {
  return prisma.$transaction(async (tx) => {
    const settings = await tx.applicationSetting.upsert({
      where: SINGLETON,
      create: { ...SINGLETON, ...changes },
      update: changes,
    });
    await recordIdentityEvent(tx, 'identity.settings.updated', {});
    return settings;
  });
}
