import { selectTagsToDelete, type TagCandidate, type TagCleanupRules } from './tag-cleanup-rules';
import { compileTagNamePattern } from './tag-name-pattern';

const NOW = Date.parse('2026-11-01T12:00:00Z');
const HOUR = 3600_000;

/** A tag last pushed `hoursAgo` hours before NOW. */
const tag = (name: string, hoursAgo: number): TagCandidate => {
  const at = new Date(NOW - hoursAgo * HOUR);
  return { name, createdAt: at, updatedAt: at };
};

/** Whole-name matchers, as the worker builds them. */
const matcher = compileTagNamePattern;

const rules = (
  overrides: Partial<TagCleanupRules> & { deleting?: string; keeping?: string },
): TagCleanupRules => ({
  deletes: matcher(overrides.deleting ?? '.*'),
  keeps: overrides.keeping === undefined ? () => false : matcher(overrides.keeping),
  keepN: overrides.keepN ?? null,
  olderThan: overrides.olderThan ?? null,
});

const names = (tags: TagCandidate[]) => tags.map((t) => t.name).sort();

describe('selectTagsToDelete', () => {
  const tags = [
    tag('latest', 50),
    tag('v1', 40),
    tag('v2', 30),
    tag('v10', 20),
    tag('release-1', 10),
    tag('main', 1),
  ];

  it('when everything matches, then everything but latest goes', () => {
    expect(names(selectTagsToDelete(tags, rules({})))).toEqual(['main', 'release-1', 'v1', 'v10', 'v2']);
  });

  it('when the pattern matches part of a name, then the name is not matched: patterns are anchored', () => {
    expect(names(selectTagsToDelete(tags, rules({ deleting: 'v1' })))).toEqual(['v1']);
    expect(names(selectTagsToDelete(tags, rules({ deleting: 'release' })))).toEqual([]);
  });

  it('when the keep pattern matches too, then keeping wins', () => {
    expect(names(selectTagsToDelete(tags, rules({ deleting: 'v.*', keeping: 'v1.*' })))).toEqual(['v2']);
    expect(names(selectTagsToDelete(tags, rules({ deleting: '.*', keeping: '.*' })))).toEqual([]);
  });

  it('when keep_n is given, then the newest matching tags stay', () => {
    expect(names(selectTagsToDelete(tags, rules({ deleting: 'v.*', keepN: 2 })))).toEqual(['v1']);
    expect(names(selectTagsToDelete(tags, rules({ keepN: 0 })))).toHaveLength(5);
  });

  it('when older_than is given, then only tags pushed before the cut-off go', () => {
    const olderThan = new Date(NOW - 25 * HOUR);
    expect(names(selectTagsToDelete(tags, rules({ olderThan })))).toEqual(['v1', 'v2']);
  });

  it('when keep_n and older_than are both given, then the newest are kept first and the rest filtered by age', () => {
    // Matching v.*: v10 (20h), v2 (30h), v1 (40h); keep the newest one (v10); of v2 and v1, only
    // those older than 35h go.
    const olderThan = new Date(NOW - 35 * HOUR);
    expect(names(selectTagsToDelete(tags, rules({ deleting: 'v.*', keepN: 1, olderThan })))).toEqual(['v1']);
  });

  it('when tags were pushed at the same moment, then keep_n breaks the tie by name, the same way every time', () => {
    const twins = [tag('a', 5), tag('b', 5), tag('c', 5)];
    expect(names(selectTagsToDelete(twins, rules({ keepN: 1 })))).toEqual(['a', 'b']);
    expect(names(selectTagsToDelete([...twins].reverse(), rules({ keepN: 1 })))).toEqual(['a', 'b']);
  });
});
