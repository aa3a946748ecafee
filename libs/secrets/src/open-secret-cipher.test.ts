import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@stowage/config';
import { openSecretCipher } from './open-secret-cipher';

const FILE = 'dependency_proxy_encryption_key';
const SETTING = 'DEPENDENCY_PROXY_ENCRYPTION_KEY';

describe('openSecretCipher', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'stowage-secrets-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when a secret is configured, then it is used and no file is written', () => {
    const secret = 'a-configured-secret-of-at-least-32-characters';
    const stored = openSecretCipher(secret, dataDir, FILE, SETTING).encrypt('x');

    expect(openSecretCipher(secret, join(dataDir, 'elsewhere'), FILE, SETTING).decrypt(stored)).toBe('x');
    expect(() => statSync(join(dataDir, FILE))).toThrow();
  });

  it('when none is configured, then a secret is generated into DATA_DIR, readable by its owner only, and reused', () => {
    const stored = openSecretCipher('', join(dataDir, 'new'), FILE, SETTING).encrypt('x');
    const path = join(dataDir, 'new', FILE);

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').length).toBeGreaterThanOrEqual(32);
    expect(openSecretCipher('', join(dataDir, 'new'), FILE, SETTING).decrypt(stored)).toBe('x');
  });

  it('when the key file cannot be written, then opening fails naming the setting and the file', () => {
    // A missing directory below DATA_DIR fails even for root, unlike file permissions.
    expect(() => openSecretCipher('', dataDir, join('missing', FILE), SETTING)).toThrow(ConfigError);
    expect(() => openSecretCipher('', dataDir, join('missing', FILE), SETTING)).toThrow(
      /^DEPENDENCY_PROXY_ENCRYPTION_KEY: not set and .*missing.* cannot be written/,
    );
  });
});
