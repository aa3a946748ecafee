'use strict';
// Incompressible bytes that are the same on every run, generated chunk by chunk so 1 GiB is
// never held in memory: the AES-CTR keystream of a fixed key (AES-NI makes it far faster than
// any registry under test), hashed with SHA-256 as it is produced.
const { createCipheriv, createHash } = require('node:crypto');

const CHUNK_BYTES = 1024 * 1024;
const KEY = Buffer.alloc(16, 0x5b);
const IV = Buffer.alloc(16, 0);

/**
 * Yields `totalBytes` in chunks of at most 1 MiB. `digest()` on the returned object gives
 * `sha256:<hex>` of everything yielded, once the iteration has finished.
 */
function deterministicBytes(totalBytes) {
  const cipher = createCipheriv('aes-128-ctr', KEY, IV);
  const hash = createHash('sha256');
  const zeros = Buffer.alloc(CHUNK_BYTES);
  let produced = 0;
  return {
    *chunks() {
      while (produced < totalBytes) {
        const size = Math.min(CHUNK_BYTES, totalBytes - produced);
        const chunk = cipher.update(zeros.subarray(0, size));
        hash.update(chunk);
        produced += size;
        yield chunk;
      }
    },
    digest() {
      if (produced !== totalBytes) throw new Error('digest() before every chunk was produced');
      return `sha256:${hash.digest('hex')}`;
    },
  };
}

module.exports = { deterministicBytes };
