import convict from 'convict';

/**
 * Formats shared by every service schema. convict 6 ships no URL format of its own, and ours
 * also restrict the scheme so a typo such as `postgress://` fails at start-up, not at first use.
 */
function urlFormat(name: string, protocols: string[], allowEmpty: boolean): convict.Format {
  return {
    name,
    coerce: (value: unknown) => String(value ?? '').trim(),
    validate(value: unknown) {
      const text = String(value);
      if (text === '' && allowEmpty) return;
      let parsed: URL;
      try {
        parsed = new URL(text);
      } catch {
        throw new Error(`must be a URL (${protocols.join(' or ')}), got "${redactUrl(text)}"`);
      }
      if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        throw new Error(`must use ${protocols.join(' or ')}, got "${parsed.protocol.replace(/:$/, '')}"`);
      }
    },
  };
}

/** Hides credentials before a URL appears in an error message. */
export function redactUrl(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}

const INTERVAL_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A length of time written as a number and a unit (`500ms`, `30s`, `15m`, `24h`, `7d`), as Go
 * and GitLab's registry write them; a bare number is seconds. Coerced to milliseconds.
 */
export function parseInterval(text: string): number {
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * INTERVAL_UNITS_MS[match[2] ?? 's']!;
}

const intervalFormat: convict.Format = {
  name: 'interval',
  coerce: (value: unknown) => (typeof value === 'number' ? value : parseInterval(String(value))),
  validate(value: unknown) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new Error('must be a length of time such as 30s, 15m, 24h or 7d');
    }
  },
};

export const FORMATS: convict.Format[] = [
  intervalFormat,
  urlFormat('http-url', ['http', 'https'], false),
  urlFormat('optional-http-url', ['http', 'https'], true),
  urlFormat('optional-postgres-url', ['postgres', 'postgresql'], true),
  urlFormat('optional-amqp-url', ['amqp', 'amqps'], true),
];
