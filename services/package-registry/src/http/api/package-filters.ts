import { booleanParam, enumParam, optionalEnum, optionalString, type Params } from '@stowage/http';
import {
  LISTED_STATUSES,
  PACKAGE_STATUSES,
  PACKAGE_TYPES,
  type PackageStatus,
  type PackageType,
  type Prisma,
} from '@stowage/package-registry-data';

/**
 * The parameters of GitLab's package listings (`GET /projects/:id/packages`, `GET
 * /groups/:id/packages`) and the query they make. Invalid values answer Grape's 400 before any
 * lookup.
 */

const PROJECT_ORDERS = ['created_at', 'name', 'version', 'type'] as const;
const GROUP_ORDERS = [...PROJECT_ORDERS, 'project_path'] as const;
type PackageOrder = (typeof GROUP_ORDERS)[number];

export interface PackageFilters {
  packageType?: PackageType;
  /** Fuzzy, case-insensitive: packages whose name contains it. */
  packageName?: string;
  packageVersion?: string;
  includeVersionless: boolean;
  status?: PackageStatus;
  orderBy: PackageOrder;
  sort: 'asc' | 'desc';
}

export function packageFilters(params: Params, scope: 'project' | 'group'): PackageFilters {
  const orders = scope === 'group' ? GROUP_ORDERS : PROJECT_ORDERS;
  return {
    packageType: optionalEnum(params, 'package_type', PACKAGE_TYPES),
    packageName: optionalString(params, 'package_name') || undefined,
    packageVersion: optionalString(params, 'package_version') || undefined,
    includeVersionless: booleanParam(params, 'include_versionless'),
    status: optionalEnum(params, 'status', PACKAGE_STATUSES),
    orderBy: enumParam<PackageOrder>(params, 'order_by', orders, 'created_at'),
    sort: enumParam(params, 'sort', ['asc', 'desc'] as const, 'asc'),
  };
}

/** Prisma's `contains` is a LIKE: `%` and `_` in the name asked for must match themselves (as GitLab's sanitize_sql_like). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

export function packageWhere(
  projectIds: readonly number[],
  filters: PackageFilters,
): Prisma.PackageWhereInput {
  return {
    projectId: { in: [...projectIds] },
    status: filters.status ?? { in: [...LISTED_STATUSES] },
    ...(filters.packageType ? { packageType: filters.packageType } : {}),
    ...(filters.packageName
      ? { name: { contains: escapeLike(filters.packageName), mode: 'insensitive' } }
      : {}),
    // A version asked for names versioned packages only; otherwise versionless ones (Maven's
    // artifact-level metadata) are left out unless asked for, as GitLab does.
    ...(filters.packageVersion
      ? { version: filters.packageVersion }
      : filters.includeVersionless
        ? {}
        : { version: { not: null } }),
  };
}

const ORDER_COLUMN: Record<PackageOrder, keyof Prisma.PackageOrderByWithRelationInput> = {
  created_at: 'createdAt',
  name: 'name',
  version: 'version',
  type: 'packageType',
  project_path: 'projectPath',
};

/** The column asked for, then the id in the same direction, so pages never overlap. */
export function packageOrder(filters: PackageFilters): Prisma.PackageOrderByWithRelationInput[] {
  return [{ [ORDER_COLUMN[filters.orderBy]]: filters.sort }, { id: filters.sort }];
}
