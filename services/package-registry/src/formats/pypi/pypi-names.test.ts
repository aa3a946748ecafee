import { InvalidPackageInputError } from '../../core/package-errors';
import { distributionFile, pypiProjectName, pypiVersion } from './pypi-names';

describe('PyPI project names (PEP 508)', () => {
  it.each(['a', 'A1', 'Stowage.Demo-pkg', 'my_pkg', 'x-y.z_9'])(
    'when the name is %s, then it is accepted',
    (name) => {
      expect(pypiProjectName(name)).toBe(name);
    },
  );

  it.each(['', '-a', 'a-', '.a', 'a b', 'a/b', '../a', 'ä', 'a'.repeat(256)])(
    'when the name is %j, then it is refused',
    (name) => {
      expect(() => pypiProjectName(name)).toThrow(InvalidPackageInputError);
    },
  );

  it('when the version is not PEP 440, then it is refused', () => {
    expect(() => pypiVersion('1.0.x')).toThrow(InvalidPackageInputError);
    expect(pypiVersion('1.0rc1')).toBe('1.0rc1');
  });
});

describe('distribution file names', () => {
  it.each([
    ['stowage_demo_pkg-1.2.0-py3-none-any.whl', 'Stowage.Demo-pkg', '1.2.0', 'wheel'],
    ['stowage_demo_pkg-1.2.0-1-py3-none-any.whl', 'Stowage.Demo-pkg', '1.2.0', 'wheel'],
    ['pkg-1.0rc1-cp311-cp311-manylinux_2_17_x86_64.whl', 'pkg', '1.0-RC1', 'wheel'],
    ['stowage_demo_pkg-1.2.0.tar.gz', 'Stowage.Demo-pkg', '1.2.0', 'sdist'],
    ['Stowage.Demo-pkg-1.2.0.tar.gz', 'Stowage.Demo-pkg', '1.2.0', 'sdist'],
    ['my-pkg-1.0-1.zip', 'my-pkg', '1.0.post1', 'sdist'],
    ['my_pkg-1.0-py3.11.egg', 'my-pkg', '1.0', 'egg'],
  ])('when the file is %s of %s %s, then it is a %s', (fileName, name, version, kind) => {
    expect(distributionFile(fileName, name, version).kind).toBe(kind);
  });

  it('when a wheel is accepted, then the parts its .dist-info directory uses are given', () => {
    expect(distributionFile('stowage_demo_pkg-1.2.0-py3-none-any.whl', 'Stowage.Demo-pkg', '1.2.0')).toEqual({
      kind: 'wheel',
      namePart: 'stowage_demo_pkg',
      versionPart: '1.2.0',
    });
  });

  it.each([
    ['other-1.2.0-py3-none-any.whl', 'another project'],
    ['pkg-1.2.1-py3-none-any.whl', 'another version'],
    ['pkg-1.2.0-py3-any.whl', 'too few wheel tags'],
    ['pkg-1.2.0-x-py3-none-any.whl', 'a build tag not starting with a digit'],
    ['pkg-1.2.0.exe', 'an unknown extension'],
    ['pkg-1.2.1.tar.gz', 'an sdist of another version'],
    ['pkg.tar.gz', 'an sdist without a version'],
  ])('when the file is %s (%s), then it is refused', (fileName) => {
    expect(() => distributionFile(fileName, 'pkg', '1.2.0')).toThrow(InvalidPackageInputError);
  });
});
