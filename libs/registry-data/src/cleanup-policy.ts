/**
 * A project's cleanup policy, with GitLab's fields, allowed values and defaults (GitLab's
 * ContainerExpirationPolicy). The policy is the registry's data, keyed by auth-token's project id.
 */

export const CADENCES = ['1d', '7d', '14d', '1month', '3month'] as const;
export type Cadence = (typeof CADENCES)[number];

export const KEEP_N_VALUES = [1, 5, 10, 25, 50, 100] as const;

export const OLDER_THAN_VALUES = ['7d', '14d', '30d', '90d'] as const;

export interface CleanupPolicy {
  enabled: boolean;
  cadence: Cadence;
  /** How many of the newest matching tags each repository keeps; null: none is spared for being new. */
  keepN: number | null;
  /** Only tags older than this go; null: any age. */
  olderThan: string | null;
  /** Tag names to delete (RE2, whole names); null deletes nothing, as GitLab's `\A\z` does. */
  nameRegexDelete: string | null;
  /** Tag names to keep whatever else matches; null keeps none for its name. */
  nameRegexKeep: string | null;
}

/** What a project has before anyone saved a policy: GitLab's defaults, disabled. */
export const DEFAULT_CLEANUP_POLICY: CleanupPolicy = {
  enabled: false,
  cadence: '1d',
  keepN: 10,
  olderThan: '90d',
  nameRegexDelete: null,
  nameRegexKeep: null,
};

/** Calendar steps, as Rails' `1.month` adds a month (not 30 days). */
const CADENCE_STEPS: Record<Cadence, { days: number; months: number }> = {
  '1d': { days: 1, months: 0 },
  '7d': { days: 7, months: 0 },
  '14d': { days: 14, months: 0 },
  '1month': { days: 0, months: 1 },
  '3month': { days: 0, months: 3 },
};

/**
 * When a policy saved or run at `from` runs next. A month step keeps the day of the month,
 * clamped to the month's last day (Jan 31 + 1 month = Feb 28), as Rails and PostgreSQL do.
 */
export function nextRunAfter(cadence: Cadence, from: Date): Date {
  const step = CADENCE_STEPS[cadence];
  const next = new Date(from.getTime() + step.days * 86_400_000);
  if (step.months === 0) return next;
  const day = next.getUTCDate();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + step.months);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next;
}

/** The same step as a PostgreSQL interval, for the scheduler's one-statement claim. */
export function cadenceIntervalSql(column: string): string {
  const cases = CADENCES.map((cadence) => {
    const step = CADENCE_STEPS[cadence];
    const interval = step.months > 0 ? `${step.months} months` : `${step.days} days`;
    return `WHEN '${cadence}' THEN interval '${interval}'`;
  });
  return `(CASE ${column} ${cases.join(' ')} END)`;
}

export const isCadence = (value: unknown): value is Cadence =>
  typeof value === 'string' && (CADENCES as readonly string[]).includes(value);
