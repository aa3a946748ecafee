import { ConfigError } from '@stowage/config';
import { SecretCipher } from './secret-cipher';

const SETTING = 'DEPENDENCY_PROXY_ENCRYPTION_KEY';
const cipher = new SecretCipher('a-secret-of-at-least-thirty-two-characters', SETTING);

describe('SecretCipher', () => {
  it('when a value is encrypted, then it is stored in the enc:v1 form and decrypts to itself', () => {
    const stored = cipher.encrypt('upstream password');

    expect(stored).toMatch(/^enc:v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(stored).not.toContain('upstream password');
    expect(cipher.decrypt(stored)).toBe('upstream password');
  });

  it('when the same value is encrypted twice, then the stored forms differ (a fresh IV each time)', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('when a stored value has no enc:v1 prefix, then it is returned as written before encryption existed', () => {
    expect(cipher.decrypt('-----BEGIN PRIVATE KEY-----')).toBe('-----BEGIN PRIVATE KEY-----');
  });

  it('when the secret is shorter than 32 characters, then construction fails naming the setting', () => {
    expect(() => new SecretCipher('too short', SETTING)).toThrow(ConfigError);
    expect(() => new SecretCipher('too short', SETTING)).toThrow(
      'DEPENDENCY_PROXY_ENCRYPTION_KEY: must be at least 32 characters',
    );
  });

  it('when another secret decrypts, then it fails naming the setting and what is stored', () => {
    const other = new SecretCipher(
      'another-secret-of-at-least-thirty-two-chars',
      SETTING,
      'the upstream passwords',
    );

    expect(() => other.decrypt(cipher.encrypt('x'))).toThrow(
      'DEPENDENCY_PROXY_ENCRYPTION_KEY: cannot decrypt the upstream passwords; is it the key they were written with?',
    );
  });

  it('when a stored value is damaged, then decrypting fails with a ConfigError rather than a crypto error', () => {
    const [prefix, version, iv, tag, body] = cipher.encrypt('secret').split(':');
    // A different first character (replacing it with a fixed one left it unchanged 1 time in 64).
    const tampered = [prefix, version, iv, tag, `${body!.startsWith('A') ? 'B' : 'A'}${body!.slice(1)}`].join(
      ':',
    );
    const truncated = [prefix, version, iv, 'AA', body].join(':');

    expect(() => cipher.decrypt(tampered)).toThrow(ConfigError);
    expect(() => cipher.decrypt(truncated)).toThrow(ConfigError);
  });
});
