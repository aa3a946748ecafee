import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { computeKeyId } from './key-id';

// The RSA key and kid from GitLab's spec of its JSONWebToken::RSAToken (libtrust-style kid).
const GITLAB_SPEC_KEY = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIBOgIBAAJBAMA5sXIBE0HwgIB40iNidN4PGWzOyLQK0bsdOBNgpEXkDlZBvnak',
  'OUgAPF+rME4PB0Yl415DabUI40T5UNmlwxcCAwEAAQJAZtY2pSwIFm3JAXIh0cZZ',
  'iXcAfiJ+YzuqinUOS+eW2sBCAEzjcARlU/o6sFQgtsOi4FOMczAd1Yx8UDMXMmrw',
  '2QIhAPBgVhJiTF09pdmeFWutCvTJDlFFAQNbrbo2X2x/9WF9AiEAzLgqMKeStSRu',
  'H9N16TuDrUoO8R+DPqriCwkKrSHaWyMCIFzMhE4inuKcSywBaLmiG4m3GQzs++Al',
  'A6PRG/PSTpQtAiBxtBg6zdf+JC3GH3zt/dA0/10tL4OF2wORfYQghRzyYQIhAL2l',
  '0ZQW+yLIZAGrdBFWYEAa52GZosncmzBNlsoTgwE4',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

describe('computeKeyId', () => {
  it('when given the key of GitLab spec, then it yields the same kid as GitLab', () => {
    const kid = computeKeyId(createPublicKey(GITLAB_SPEC_KEY));

    expect(kid).toBe('OGXY:4TR7:FAVO:WEM2:XXEW:E4FP:TKL7:7ACK:TZAF:D54P:SUIA:P3B2');
  });

  it('when given any RSA key, then the kid is twelve groups of four base32 characters', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

    expect(computeKeyId(publicKey)).toMatch(/^[A-Z2-7]{4}(:[A-Z2-7]{4}){11}$/);
  });
});
