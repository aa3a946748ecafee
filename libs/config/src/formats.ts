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

export const FORMATS: convict.Format[] = [
  urlFormat('http-url', ['http', 'https'], false),
  urlFormat('optional-http-url', ['http', 'https'], true),
  urlFormat('optional-postgres-url', ['postgres', 'postgresql'], true),
  urlFormat('optional-amqp-url', ['amqp', 'amqps'], true),
];
