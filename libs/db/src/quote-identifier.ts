/** Quotes a PostgreSQL identifier (schema names come from configuration, not from users). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
