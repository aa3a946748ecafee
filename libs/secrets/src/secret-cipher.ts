import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '@stowage/config';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;

/** Shorter secrets are refused: a short secret is guessable, however it is hashed afterwards. */
export const MIN_SECRET_LENGTH = 32;

/**
 * Encrypts secrets kept in a database (AES-256-GCM), so a copy of the database alone does not
 * reveal them. Stored form: `enc:v1:<iv>:<tag>:<ciphertext>`, base64url parts. A value without
 * the prefix was written before encryption existed and is returned as it is.
 */
export class SecretCipher {
  private readonly key: Buffer;

  /**
   * @param settingName the setting the secret comes from (e.g. SIGNING_KEY_ENCRYPTION_KEY):
   *   errors start with it, so the operator knows which one to fix.
   * @param contents what the cipher protects, for the error a wrong secret causes.
   */
  constructor(
    secret: string,
    private readonly settingName: string,
    private readonly contents = 'the stored secrets',
  ) {
    if (secret.length < MIN_SECRET_LENGTH)
      throw new ConfigError(`${settingName}: must be at least ${MIN_SECRET_LENGTH} characters`);
    // The secret is random (generated, or from a Kubernetes Secret); hashing fits it to 256 bits.
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + [iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url')).join(':');
  }

  /** The plaintext of a stored value; a ConfigError when the secret is not the one it was written with. */
  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const [iv, tag, body] = stored
      .slice(PREFIX.length)
      .split(':')
      .map((part) => Buffer.from(part, 'base64url'));
    // Inside the try too: a damaged value (wrong IV or tag length) means the same to the operator.
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
    } catch {
      throw new ConfigError(
        `${this.settingName}: cannot decrypt ${this.contents}; is it the key they were written with?`,
      );
    }
  }
}
