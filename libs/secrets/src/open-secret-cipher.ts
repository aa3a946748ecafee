import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@stowage/config';
import { SecretCipher } from './secret-cipher';

/**
 * The cipher for the configured secret, or else for one kept in `dataDir/fileName` (generated on
 * first use, mode 0600): in standalone mode the database lives in DATA_DIR too, so that only
 * spares users a setting; deployments with a shared database set `settingName` from their secret
 * store.
 *
 * @param contents what the cipher protects, for the error a wrong secret causes.
 */
export function openSecretCipher(
  configured: string,
  dataDir: string,
  fileName: string,
  settingName: string,
  contents?: string,
): SecretCipher {
  if (configured) return new SecretCipher(configured, settingName, contents);
  const path = join(dataDir, fileName);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another replica sharing DATA_DIR may have just written it; anything else is fatal.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ConfigError(
          `${settingName}: not set and ${path} cannot be written (${(error as Error).message})`,
        );
      }
    }
  }
  return new SecretCipher(readFileSync(path, 'utf8').trim(), settingName, contents);
}
