/** One challenge of a `WWW-Authenticate` header: `Bearer realm="...",service="...",scope="..."`. */
export interface Challenge {
  /** Lower-cased: schemes are case-insensitive. */
  scheme: string;
  /** Parameter names lower-cased; values unquoted and unescaped. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

/**
 * Parses every challenge of one or more `WWW-Authenticate` header values (RFC 9110 section 11.6.1).
 * A header may hold several challenges separated by commas that also separate parameters, and
 * quoted values may contain commas (`scope="repository:a:pull,push"`), so splitting on commas is
 * wrong; this reads token by token. Malformed input ends the parse instead of throwing: an
 * upstream's odd header must not break the request, the caller then just sees fewer challenges.
 */
export function parseWwwAuthenticate(values: string | readonly string[] | undefined): Challenge[] {
  if (values === undefined) return [];
  const list = typeof values === 'string' ? [values] : values;
  return list.flatMap((value) => new ChallengeReader(value).readAll());
}

class ChallengeReader {
  private position = 0;

  constructor(private readonly text: string) {}

  readAll(): Challenge[] {
    const challenges: Challenge[] = [];
    for (;;) {
      this.skip(/[\s,]/);
      const scheme = this.readToken();
      if (scheme === '') return challenges;
      const params = this.readParams();
      if (params === null) return challenges;
      challenges.push({ scheme: scheme.toLowerCase(), params });
    }
  }

  /** The parameters after a scheme, up to the next challenge's scheme; null when malformed. */
  private readParams(): Record<string, string> | null {
    const params: Record<string, string> = {};
    this.skip(/\s/);
    const token68 = TOKEN68.exec(this.text.slice(this.position));
    if (token68 && this.atItemEnd(this.position + token68[0].length)) {
      // Basic's legacy `Basic <base64>` form: keep it, nothing here reads it.
      params[''] = token68[0];
      this.position += token68[0].length;
      return params;
    }
    for (;;) {
      const start = this.position;
      const name = this.readToken();
      this.skip(/\s/);
      if (name === '' || this.text[this.position] !== '=') {
        // The next challenge's scheme (or the end): leave it for readAll.
        this.position = start;
        return params;
      }
      this.position++;
      this.skip(/\s/);
      const value = this.text[this.position] === '"' ? this.readQuoted() : this.readToken();
      if (value === null) return null;
      params[name.toLowerCase()] = value;
      this.skip(/\s/);
      if (this.text[this.position] !== ',') return params;
      this.skip(/[\s,]/);
    }
  }

  private atItemEnd(position: number): boolean {
    const rest = this.text.slice(position).trimStart();
    return rest === '' || rest.startsWith(',');
  }

  private readToken(): string {
    const start = this.position;
    while (this.position < this.text.length && TOKEN_CHAR.test(this.text[this.position] ?? '')) {
      this.position++;
    }
    return this.text.slice(start, this.position);
  }

  /** A quoted-string with its backslash escapes undone; null when the closing quote is missing. */
  private readQuoted(): string | null {
    let value = '';
    for (this.position++; this.position < this.text.length; this.position++) {
      const char = this.text[this.position];
      if (char === '"') {
        this.position++;
        return value;
      }
      if (char === '\\') this.position++;
      value += this.text[this.position] ?? '';
    }
    return null;
  }

  private skip(pattern: RegExp): void {
    while (this.position < this.text.length && pattern.test(this.text[this.position] ?? '')) {
      this.position++;
    }
  }
}
