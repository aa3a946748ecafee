import { createHash, type KeyObject } from 'node:crypto';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * The libtrust key id of a public key: SHA-256 of its DER SubjectPublicKeyInfo, first 240 bits,
 * base32, in twelve groups of four joined by `:` (e.g. `OGXY:4TR7:...:P3B2`).
 *
 * We use this form, not the RFC 7638 JWK thumbprint, because it is what GitLab puts in `kid` and
 * what CNCF Distribution (2.x) matches a token's `kid` against, so a stock registry can trust our
 * tokens. Verifiers treat `kid` as an opaque string either way.
 */
export function computeKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const encoded = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return encoded.match(/.{4}/g)?.join(':') ?? encoded;
}
