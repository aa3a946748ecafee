import { isPep440, normalizePep440 } from './pep440';

describe('PEP 440 versions', () => {
  it.each([
    ['1.0', '1.0'],
    ['1.0.0', '1.0.0'],
    ['v1.0', '1.0'],
    ['01.002.0', '1.2.0'],
    ['1.0-RC1', '1.0rc1'],
    ['1.0.alpha.2', '1.0a2'],
    ['1.0b', '1.0b0'],
    ['1.0c3', '1.0rc3'],
    ['1.0preview2', '1.0rc2'],
    ['1.0-1', '1.0.post1'],
    ['1.0.rev', '1.0.post0'],
    ['1.0_post_2', '1.0.post2'],
    ['1.0-dev3', '1.0.dev3'],
    ['1.0a1.post2.dev3', '1.0a1.post2.dev3'],
    ['0!1.0', '1.0'],
    ['2!1.0', '2!1.0'],
    ['1.0+Ubuntu-01.A', '1.0+ubuntu.1.a'],
  ])('when the version is %s, then its normal form is %s', (version, normal) => {
    expect(normalizePep440(version)).toBe(normal);
  });

  it.each([
    '',
    '1.0.x',
    'latest',
    '1..0',
    '1.0+',
    '1.0+a..b',
    ' 1.0',
    '1.0 ',
    '1.0/../x',
    'a1.0',
    `${'1.'.repeat(200)}1`,
  ])('when the version is %j, then it is refused', (version) => {
    expect(isPep440(version)).toBe(false);
  });
});
