import { createHash } from 'node:crypto';

/** Algorithms the registry verifies content with, and the length of their hex encodings. */
const HEX_LENGTH = { sha256: 64, sha512: 128 } as const;
export type DigestAlgorithm = keyof typeof HEX_LENGTH;

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

/**
 * Why `text` is not a digest the registry can verify, or undefined when it is one: clients get
 * this reason, which a digest that parses but does not match the content never has.
 */
export function digestProblem(text: string): string | undefined {
  const colon = text.indexOf(':');
  if (colon === -1) return 'expected <algorithm>:<hex>';
  const algorithm = text.slice(0, colon);
  if (!Object.hasOwn(HEX_LENGTH, algorithm)) return 'unsupported algorithm (sha256 and sha512 are)';
  const hex = text.slice(colon + 1);
  if (!/^[a-f0-9]*$/.test(hex)) return 'the encoded part must be lower-case hex';
  const length = HEX_LENGTH[algorithm as DigestAlgorithm];
  if (hex.length !== length) return `${algorithm} takes ${length} hex characters`;
  return undefined;
}

/** `sha256:<64 lower-case hex>` (or sha512), else null. */
export function parseDigest(text: string): ParsedDigest | null {
  if (digestProblem(text) !== undefined) return null;
  const colon = text.indexOf(':');
  return { algorithm: text.slice(0, colon) as DigestAlgorithm, hex: text.slice(colon + 1) };
}

export function isDigest(text: string): boolean {
  return parseDigest(text) !== null;
}

/** The digest of `content` with the given algorithm. */
export function digestOf(content: Buffer, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
}
