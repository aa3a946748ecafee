import type { Prisma } from '../../generated/prisma/client';
import { RuleViolation } from '../rule-violation';

/** Container registry: off, members only (Reporter+), or following the project's visibility. */
export const CONTAINER_REGISTRY_ACCESS_LEVELS = ['disabled', 'private', 'enabled'] as const;
export type ContainerRegistryAccessLevel = (typeof CONTAINER_REGISTRY_ACCESS_LEVELS)[number];

/** Package registry: as the container registry, plus `public` ("allow anyone to pull"). */
export const PACKAGE_REGISTRY_ACCESS_LEVELS = ['disabled', 'private', 'enabled', 'public'] as const;
export type PackageRegistryAccessLevel = (typeof PACKAGE_REGISTRY_ACCESS_LEVELS)[number];

/** The registry settings a create or update request may carry, new and deprecated forms. */
export interface RegistrySettingsInput {
  containerRegistryAccessLevel?: ContainerRegistryAccessLevel;
  /** Deprecated boolean form: true → enabled, false → disabled. */
  containerRegistryEnabled?: boolean;
  packageRegistryAccessLevel?: PackageRegistryAccessLevel;
  /** Deprecated boolean form: true → enabled, false → disabled. */
  packagesEnabled?: boolean;
}

export interface RegistryLevels {
  containerRegistryAccessLevel: string;
  packageRegistryAccessLevel: string;
}

/**
 * The levels a request asks for, given the current ones (defaults for a new project). The
 * access level wins over its deprecated boolean when both are sent. `true` turns a disabled
 * registry on (`enabled`) but leaves a registry that is already on as it is, so a client that
 * only knows the boolean cannot widen `private` by accident.
 */
export function requestedLevels(input: RegistrySettingsInput, current: RegistryLevels): RegistryLevels {
  return {
    containerRegistryAccessLevel:
      input.containerRegistryAccessLevel ??
      fromBoolean(input.containerRegistryEnabled, current.containerRegistryAccessLevel),
    packageRegistryAccessLevel:
      input.packageRegistryAccessLevel ??
      fromBoolean(input.packagesEnabled, current.packageRegistryAccessLevel),
  };
}

function fromBoolean(enabled: boolean | undefined, current: string): string {
  if (enabled === undefined) return current;
  if (!enabled) return 'disabled';
  return current === 'disabled' ? 'enabled' : current;
}

export const DEFAULT_REGISTRY_LEVELS: RegistryLevels = {
  containerRegistryAccessLevel: 'enabled',
  packageRegistryAccessLevel: 'enabled',
};

/**
 * `public` packages ("allow anyone to pull") exist only while the instance allows the option.
 * Only a request that sets it is refused, so projects that already have it can still be edited
 * after an admin turns the option off (it then simply stops working).
 */
export async function checkPackageLevelAllowed(
  tx: Pick<Prisma.TransactionClient, 'applicationSetting'>,
  requested: string | undefined,
  current: string | undefined,
): Promise<void> {
  if (requested !== 'public' || current === 'public') return;
  const settings = await tx.applicationSetting.findUnique({ where: { id: 1 } });
  if (settings && !settings.packageRegistryAllowAnyoneToPullOption) {
    throw RuleViolation.invalidField(
      'package_registry_access_level',
      'public is not allowed since the instance does not allow anyone to pull packages',
    );
  }
}
