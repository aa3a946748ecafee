import { createHash } from 'node:crypto';

/** Algorithms the registry verifies content with, and the length of their hex encodings. */
const HEX_LENGTH = { sha256: 64, sha512: 128 } as const;
export type DigestAlgorithm = keyof typeof HEX_LENGTH;

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/** `sha256:<64 lower-case hex>` (or sha512), else null. */
export function parseDigest(text: string): ParsedDigest | null {
  const match = /^(sha256|sha512):([a-f0-9]+)$/.exec(text);
  if (!match) return null;
  const algorithm = match[1] as DigestAlgorithm;
  if (match[2]!.length !== HEX_LENGTH[algorithm]) return null;
  return { algorithm, hex: match[2]! };
}

export function isDigest(text: string): boolean {
  return parseDigest(text) !== null;
}

/** The digest of `content` with the given algorithm. */
export function digestOf(content: Buffer, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
}
