import { InvalidBlobKeyError } from './errors';
import { compareKeys, validateKey, validatePrefix, validateRange } from './keys';

describe('validateKey', () => {
  it.each(['a', 'registry/blobs/sha256/ab/abcdef', '.hidden/x', 'a/..b/c..', 'name with space+plus'])(
    'when key %j is a relative path, then it is accepted',
    (key) => {
      expect(() => validateKey(key)).not.toThrow();
    },
  );

  it.each([
    ['', 'empty'],
    ['/abs', 'absolute'],
    ['a\\b', 'backslash'],
    ['a\0b', 'NUL'],
    ['a/../b', '..'],
    ['./a', '.'],
    ['a//b', 'empty path segments'],
    ['a/', 'empty path segments'],
    ['x'.repeat(1025), 'longer than'],
  ])('when key %j is unsafe, then InvalidBlobKeyError says why (%s)', (key, reason) => {
    expect(() => validateKey(key)).toThrow(InvalidBlobKeyError);
    expect(() => validateKey(key)).toThrow(reason);
  });
});

describe('validatePrefix', () => {
  it.each(['', 'a', 'a/', 'a/b', 'a/.', 'a/..'])(
    'when prefix %j is relative, then it is accepted',
    (prefix) => {
      expect(() => validatePrefix(prefix)).not.toThrow();
    },
  );

  it.each(['/a', '../', 'a/../b', 'a//', 'a\\'])('when prefix %j escapes, then it is rejected', (prefix) => {
    expect(() => validatePrefix(prefix)).toThrow(InvalidBlobKeyError);
  });
});

describe('validateRange', () => {
  it('when a range is malformed, then RangeError', () => {
    expect(() => validateRange({ start: 1.5 })).toThrow(RangeError);
    expect(() => validateRange({ start: 5, end: 4 })).toThrow(RangeError);
    expect(() => validateRange({ start: 5, end: 5 })).not.toThrow();
  });
});

describe('compareKeys', () => {
  it('when keys are sorted, then the order is by UTF-8 bytes like S3', () => {
    // U+FF5E sorts after U+1F600 in UTF-16 code units but before it in UTF-8 bytes.
    expect(['\u{1F600}', '\uFF5E', 'a/b', 'a-b'].sort(compareKeys)).toEqual([
      'a-b',
      'a/b',
      '\uFF5E',
      '\u{1F600}',
    ]);
  });
});
