import { createHash } from 'node:crypto';

/**
 * Checksums exactly as Prisma's schema engine computes them (schema-connector `checksum.rs`):
 * SHA-256 of the migration.sql text, as lowercase zero-padded hex. Recording the same value
 * keeps `prisma migrate deploy` / `migrate status` happy with a table this runner wrote.
 */
export function migrationChecksum(script: Buffer | string): string {
  return createHash('sha256').update(script).digest('hex');
}

// Old schema engines wrote each byte with `{:x}`, dropping leading zeros (prisma-engines#1887).
function unpaddedHex(script: string): string {
  return [...createHash('sha256').update(script).digest()].map((byte) => byte.toString(16)).join('');
}

/**
 * Whether `script` is the migration recorded with `recorded`. Like Prisma, line endings do not
 * count (git may check a file out with CRLF on Windows): the script as is, with CRLF turned
 * into LF, and with LF turned into CRLF are all accepted.
 */
export function checksumMatches(script: Buffer, recorded: string): boolean {
  const text = script.toString('utf8');
  const variants: Array<Buffer | string> = [
    script,
    text.replaceAll('\r\n', '\n'),
    text.replaceAll('\n', '\r\n'),
  ];
  const legacy = recorded.length !== 0 && recorded.length !== 64;
  return variants.some((variant) =>
    legacy ? unpaddedHex(variant.toString()) === recorded : migrationChecksum(variant) === recorded,
  );
}
