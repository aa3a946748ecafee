import type { Prisma } from '../../generated/prisma/client';

export interface UserFilters {
  /** Exact, case-insensitive (GitLab's `username` parameter). */
  username?: string;
  /** Substring of username, name and, when `searchEmail`, email. */
  search?: string;
  searchEmail: boolean;
  active?: boolean;
  blocked?: boolean;
}

export function userFilterWhere(filters: UserFilters): Prisma.UserWhereInput {
  const and: Prisma.UserWhereInput[] = [];
  if (filters.username !== undefined) and.push({ usernameKey: filters.username.toLowerCase() });
  if (filters.search) {
    const contains = { contains: filters.search, mode: 'insensitive' as const };
    and.push({
      OR: [{ username: contains }, { name: contains }, ...(filters.searchEmail ? [{ email: contains }] : [])],
    });
  }
  if (filters.active) and.push({ state: 'active' });
  if (filters.blocked) and.push({ state: 'blocked' });
  return { AND: and };
}
