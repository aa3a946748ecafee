/**
 * GitLab's human durations for `older_than` (`1h`, `7d`, `1month`, `2 weeks`, `1d 12h`), read as
 * GitLab's ChronicDuration reads them: a month is 30 days, a year 365.25 days, and a number
 * without a unit counts seconds.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNIT_MS: Record<string, number> = {};
function unit(ms: number, ...names: string[]): void {
  for (const name of names) UNIT_MS[name] = ms;
}
unit(SECOND, '', 's', 'sec', 'secs', 'second', 'seconds');
unit(MINUTE, 'm', 'min', 'mins', 'minute', 'minutes');
unit(HOUR, 'h', 'hr', 'hrs', 'hour', 'hours');
unit(DAY, 'd', 'day', 'days');
unit(7 * DAY, 'w', 'wk', 'wks', 'week', 'weeks');
unit(30 * DAY, 'mo', 'mos', 'month', 'months');
unit(365.25 * DAY, 'y', 'yr', 'yrs', 'year', 'years');

const COMPONENT = /(\d+(?:\.\d+)?)\s*([a-z]*)/y;
const SEPARATOR = /(?:\s|,|\band\b)*/y;

/** Beyond this a cut-off date would fall outside what a Date can hold. */
const MAX_DURATION_MS = 10_000 * 365.25 * DAY;

/** The duration in milliseconds, or null when the text is not one. */
export function parseOlderThan(text: string): number | null {
  const input = text.trim().toLowerCase();
  if (input.length === 0 || input.length > 100) return null;
  let position = 0;
  let total = 0;
  let components = 0;
  while (position < input.length) {
    SEPARATOR.lastIndex = position;
    SEPARATOR.exec(input);
    position = SEPARATOR.lastIndex;
    if (position >= input.length) break;
    COMPONENT.lastIndex = position;
    const match = COMPONENT.exec(input);
    const multiplier = match ? UNIT_MS[match[2]!] : undefined;
    if (!match || multiplier === undefined) return null;
    total += Number(match[1]) * multiplier;
    components++;
    position = COMPONENT.lastIndex;
  }
  if (components === 0 || !Number.isFinite(total) || total > MAX_DURATION_MS) return null;
  return Math.round(total);
}
