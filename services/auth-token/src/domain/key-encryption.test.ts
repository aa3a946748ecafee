import { ConfigError } from '@stowage/config';
import { signingKeyCipher } from './key-encryption';

/** Written by auth-token's own KeyCipher before the cipher moved to @stowage/secrets. */
const EARLIER_SECRET = 'an-earlier-secret-of-at-least-thirty-two-characters';
const EARLIER_STORED =
  'enc:v1:wvGuBVaGpVF2Khuy:uLaU-t5H0YTn-wpBM8FrhQ:tVDa-couy0NsrJjy8Q1Nq0kQPc2kFcSK069YXFG-fy1ItVFa0bDWBa6JDAGflOCiyDOwrsQaEYXqllr0WsD752c7pkjevyIEx5TX7_Q';

describe('signing key encryption', () => {
  it('when a key was stored by an earlier version, then it still decrypts', () => {
    expect(signingKeyCipher(EARLIER_SECRET).decrypt(EARLIER_STORED)).toBe(
      '-----BEGIN PRIVATE KEY-----\nstored before the move\n-----END PRIVATE KEY-----\n',
    );
  });

  it('when the secret is wrong or short, then the errors name SIGNING_KEY_ENCRYPTION_KEY as before', () => {
    expect(() => signingKeyCipher('short')).toThrow(
      new ConfigError('SIGNING_KEY_ENCRYPTION_KEY: must be at least 32 characters'),
    );
    expect(() =>
      signingKeyCipher('another-secret-of-at-least-thirty-two-chars').decrypt(EARLIER_STORED),
    ).toThrow(
      new ConfigError(
        'SIGNING_KEY_ENCRYPTION_KEY: cannot decrypt the stored signing keys; is it the key they were written with?',
      ),
    );
  });
});
