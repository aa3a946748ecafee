import { deprecationsIn } from './npm-deprecate';

describe('deprecationsIn', () => {
  it('when npm sends the document back, then only versions with a deprecated string change', () => {
    const changes = deprecationsIn({
      versions: { '1.0.0': { deprecated: 'use 2' }, '1.1.0': { deprecated: '' }, '2.0.0': { name: 'x' } },
    });
    expect([...changes]).toEqual([
      ['1.0.0', 'use 2'],
      ['1.1.0', ''],
    ]);
  });

  it.each([
    ['no versions', {}],
    ['nothing to deprecate', { versions: { '1.0.0': {} } }],
    ['a message that is not a string', { versions: { '1.0.0': { deprecated: true } } }],
    ['a version that is not semver', { versions: { v1: { deprecated: 'x' } } }],
  ])('when the document has %s, then it is refused as 400', (_what, document) => {
    expect(() => deprecationsIn(document)).toThrow(expect.objectContaining({ status: 400 }) as Error);
  });
});
