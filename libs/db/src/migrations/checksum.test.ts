import { checksumMatches, migrationChecksum } from './checksum';

describe('migration checksums', () => {
  it('when a script is hashed, then it is Prisma’s zero-padded lowercase SHA-256 hex', () => {
    // The expected value is the one in prisma-engines' own checksum test.
    expect(migrationChecksum('hello')).toBe(
      '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    );
  });

  it('when the script is unchanged, then it matches its checksum', () => {
    const script = Buffer.from('CREATE TABLE a (id int);\n');

    expect(checksumMatches(script, migrationChecksum(script))).toBe(true);
  });

  it('when only the line endings differ, then it matches either way, as in Prisma', () => {
    const lf = 'ab\ncd\nef\ngh\rab\n';
    const crlf = 'ab\r\ncd\r\nef\r\ngh\rab\r\n';

    expect(checksumMatches(Buffer.from(crlf), migrationChecksum(lf))).toBe(true);
    expect(checksumMatches(Buffer.from(lf), migrationChecksum(crlf))).toBe(true);
  });

  it('when the content differs, then it does not match', () => {
    expect(checksumMatches(Buffer.from('abc'), migrationChecksum('abcd'))).toBe(false);
    expect(checksumMatches(Buffer.from('abc\n'), migrationChecksum('abc'))).toBe(false);
  });

  it('when an old schema engine recorded it without zero padding, then it still matches', () => {
    const script = 'hello';
    const digest = [...Buffer.from(migrationChecksum(script), 'hex')];
    const unpadded = digest.map((byte) => byte.toString(16)).join('');
    expect(unpadded.length).toBeLessThan(64);

    expect(checksumMatches(Buffer.from(script), unpadded)).toBe(true);
  });
});
