/** GitLab's access levels, the numbers its API speaks. */
export const ACCESS_LEVEL = {
  guest: 10,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
} as const;

export type AccessLevel = (typeof ACCESS_LEVEL)[keyof typeof ACCESS_LEVEL];

/** What a user without any membership has. */
export const NO_ACCESS = 0;

const LEVELS = new Set<number>(Object.values(ACCESS_LEVEL));

export function isAccessLevel(value: unknown): value is AccessLevel {
  return typeof value === 'number' && LEVELS.has(value);
}
