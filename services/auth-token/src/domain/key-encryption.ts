import { openSecretCipher, SecretCipher } from '@stowage/secrets';

/**
 * Signing keys are encrypted at rest, so a copy of the database alone cannot mint registry
 * tokens. The setting, the key file in DATA_DIR and the messages are those auth-token has always
 * used: keys stored by earlier versions must still decrypt, and operators' runbooks still apply.
 */

export const KEY_ENCRYPTION_KEY_SETTING = 'SIGNING_KEY_ENCRYPTION_KEY';
export const KEY_ENCRYPTION_KEY_FILE = 'signing_key_encryption_key';
const CONTENTS = 'the stored signing keys';

/** The cipher for signing keys with `secret` (tests, and a configured SIGNING_KEY_ENCRYPTION_KEY). */
export function signingKeyCipher(secret: string): SecretCipher {
  return new SecretCipher(secret, KEY_ENCRYPTION_KEY_SETTING, CONTENTS);
}

/** The configured secret's cipher, or else one for a secret generated and kept in DATA_DIR. */
export function openKeyCipher(configured: string, dataDir: string): SecretCipher {
  return openSecretCipher(configured, dataDir, KEY_ENCRYPTION_KEY_FILE, KEY_ENCRYPTION_KEY_SETTING, CONTENTS);
}
