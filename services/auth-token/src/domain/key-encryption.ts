import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@stowage/config';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;

/**
 * Encrypts signing keys at rest (AES-256-GCM), so a copy of the database alone cannot mint
 * registry tokens. Stored form: `enc:v1:<iv>:<tag>:<ciphertext>`, base64url parts. Rows written
 * before encryption existed (plain PEM) are still read.
 */
export class KeyCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 32)
      throw new ConfigError('SIGNING_KEY_ENCRYPTION_KEY: must be at least 32 characters');
    // The secret is random (generated, or from a Kubernetes Secret); hashing fits it to 256 bits.
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join(':');
  }

  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const [iv, tag, body] = stored
      .slice(PREFIX.length)
      .split(':')
      .map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv!);
    decipher.setAuthTag(tag!);
    try {
      return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
    } catch {
      throw new ConfigError(
        'SIGNING_KEY_ENCRYPTION_KEY: cannot decrypt the stored signing keys; is it the key they were written with?',
      );
    }
  }
}

export const KEY_ENCRYPTION_KEY_FILE = 'signing_key_encryption_key';

/**
 * The configured secret, or else one kept in DATA_DIR (generated on first use, mode 0600): in
 * standalone mode the database lives there too, so that only spares users a setting; deployments
 * with a shared database set SIGNING_KEY_ENCRYPTION_KEY from their secret store.
 */
export function openKeyCipher(configured: string, dataDir: string): KeyCipher {
  if (configured) return new KeyCipher(configured);
  const path = join(dataDir, KEY_ENCRYPTION_KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another replica sharing DATA_DIR may have just written it; anything else is fatal.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ConfigError(
          `SIGNING_KEY_ENCRYPTION_KEY: not set and ${path} cannot be written (${(error as Error).message})`,
        );
      }
    }
  }
  return new KeyCipher(readFileSync(path, 'utf8').trim());
}
