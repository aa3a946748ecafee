import { npmDistTag, npmPackageName, npmScope, npmVersion, tarballFileName, unscopedName } from './npm-names';

describe('npm names', () => {
  it.each(['pkg', '@scope/pkg', 'a.b-c_d', 'x'.repeat(214)])(
    'when the name is %s, then it is accepted',
    (name) => {
      expect(npmPackageName(name)).toBe(name);
    },
  );

  it.each([
    ['capitals', 'Pkg'],
    ['too long', 'x'.repeat(215)],
    ['a leading dot', '.pkg'],
    ['a path', '../pkg'],
    ['a slash without scope', 'a/b'],
    ['spaces', 'my pkg'],
    ['an empty scope', '@/pkg'],
    ['nothing', ''],
    ['a special character', '@s/x~y'],
    ['a reserved name', 'node_modules'],
  ])('when the name has %s, then it is refused as 400', (_what, name) => {
    expect(() => npmPackageName(name)).toThrow(expect.objectContaining({ status: 400 }) as Error);
  });

  it('when a name is scoped, then its scope and unscoped part are read off it', () => {
    expect(npmScope('@team/pkg')).toBe('team');
    expect(npmScope('pkg')).toBeNull();
    expect(unscopedName('@team/pkg')).toBe('pkg');
    expect(tarballFileName('@team/pkg', '1.2.3-beta.1')).toBe('pkg-1.2.3-beta.1.tgz');
  });

  it.each(['1.0.0', '0.0.1-alpha.1'])('when the version is %s, then it is accepted', (version) => {
    expect(npmVersion(version)).toBe(version);
  });

  it.each(['1.0', 'v1.0.0', '1.2.3+build.5', ' 1.0.0', '01.0.0', 'latest', '', 3])(
    'when the version is %p, then it is refused as 400',
    (version) => {
      expect(() => npmVersion(version)).toThrow(expect.objectContaining({ status: 400 }) as Error);
    },
  );

  it.each(['latest', 'beta', 'next-2', 'rc.1'])('when the dist-tag is %s, then it is accepted', (tag) => {
    expect(npmDistTag(tag)).toBe(tag);
  });

  it.each(['1.x', '^1.0.0', '1.0.0', 'a/b', '', 'has space', 'x'.repeat(101)])(
    'when the dist-tag is %p, then it is refused as 400',
    (tag) => {
      expect(() => npmDistTag(tag)).toThrow(expect.objectContaining({ status: 400 }) as Error);
    },
  );
});
