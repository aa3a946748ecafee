import type { ApplicationSetting, PrismaClient } from '../../generated/prisma/client';
import { recordIdentityEvent } from '../identity-events';

const SINGLETON = { id: 1 };

export interface SettingsChanges {
  packageRegistryAllowAnyoneToPullOption?: boolean;
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
