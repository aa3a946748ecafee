import { topicMatches } from './topic-pattern';

describe('topicMatches', () => {
  it.each([
    ['a.b.c', 'a.b.c', true],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.c', false],
    ['a.*', 'a.b.c', false],
    ['a.#', 'a', true],
    ['a.#', 'a.b.c', true],
    ['#', 'anything.at.all', true],
    ['#.c', 'c', true],
    ['#.c', 'a.b.c', true],
    ['#.c', 'a.b.cd', false],
    ['a.#.c', 'a.c', true],
    ['a.#.c', 'a.x.y.c', true],
    ['*.#.*', 'a', false],
    ['*.#.*', 'a.b', true],
    ['#.#.#.#.#.#.#.#.#.#.x', 'a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q', false],
    ['package.*', 'packages.x', false],
  ])('when the pattern is %s and the key %s, then it matches: %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});
