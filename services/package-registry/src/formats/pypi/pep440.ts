/**
 * PEP 440 versions: whether a string is one, and its normal form (what wheel file names carry and
 * what `packaging.version.Version` prints), so `1.0-RC1`, `1.0rc1` and `01.0.rc.1` are one version.
 */

// PEP 440's appendix pattern (as `packaging` has it), without the surrounding whitespace it tolerates.
const VERSION = new RegExp(
  '^v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<preLabel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preNumber>[0-9]+)?)?' +
    '(?<post>(?:-(?<postNumber1>[0-9]+))|(?:[-_.]?(?<postLabel>post|rev|r)[-_.]?(?<postNumber2>[0-9]+)?))?' +
    '(?<dev>[-_.]?dev[-_.]?(?<devNumber>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?$',
  'i',
);

const PRE_LABELS: Record<string, string> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  pre: 'rc',
  preview: 'rc',
  rc: 'rc',
};

/** Longest version accepted (GitLab's column limit). */
const MAX_LENGTH = 255;

/** A number without its leading zeros (`007` → `7`), kept as text so no size overflows. */
const number = (digits: string | undefined): string => (digits ?? '0').replace(/^0+(?=\d)/, '');

/** The normal form of a PEP 440 version, or null when `version` is not one. */
export function normalizePep440(version: string): string | null {
  if (version.length === 0 || version.length > MAX_LENGTH) return null;
  const groups = VERSION.exec(version)?.groups;
  if (!groups) return null;
  let normal = '';
  if (groups.epoch !== undefined && number(groups.epoch) !== '0') normal += `${number(groups.epoch)}!`;
  normal += groups.release!.split('.').map(number).join('.');
  if (groups.pre !== undefined)
    normal += `${PRE_LABELS[groups.preLabel!.toLowerCase()]}${number(groups.preNumber)}`;
  if (groups.post !== undefined) normal += `.post${number(groups.postNumber1 ?? groups.postNumber2)}`;
  if (groups.dev !== undefined) normal += `.dev${number(groups.devNumber)}`;
  if (groups.local !== undefined) {
    const parts = groups.local.toLowerCase().split(/[-_.]/);
    normal += `+${parts.map((part) => (/^\d+$/.test(part) ? number(part) : part)).join('.')}`;
  }
  return normal;
}

/** Whether `version` is a valid PEP 440 version. */
export const isPep440 = (version: string): boolean => normalizePep440(version) !== null;
