import { DEFAULT_CLEANUP_POLICY, type CleanupPolicy } from './cleanup-policy';
import { cleanupRulesOfPolicy } from './cleanup-policy-rules';
import { selectTagsToDelete, type TagCandidate } from './tag-cleanup-rules';

const NOW = new Date('2026-11-01T12:00:00Z');
const DAY = 24 * 3600_000;

/** `name@days`: a tag last pushed that many days before NOW; a trailing `!` means no manifest. */
function tagsOf(spec: string): TagCandidate[] {
  return spec.split(/\s+/).map((entry) => {
    const [name, days] = entry.replace(/!$/, '').split('@') as [string, string];
    const at = new Date(NOW.getTime() - Number(days) * DAY);
    return { name, createdAt: at, updatedAt: at, hasManifest: !entry.endsWith('!') };
  });
}

const policy = (overrides: Partial<CleanupPolicy>): CleanupPolicy => ({
  ...DEFAULT_CLEANUP_POLICY,
  enabled: true,
  keepN: null,
  olderThan: null,
  nameRegexDelete: '.*',
  ...overrides,
});

/** The tags a run leaves, in name order. */
function survivors(spec: string, rules: Partial<CleanupPolicy>): string[] {
  const tags = tagsOf(spec);
  const deleted = new Set(selectTagsToDelete(tags, cleanupRulesOfPolicy(policy(rules), NOW)));
  return tags
    .filter((tag) => !deleted.has(tag))
    .map((tag) => tag.name)
    .sort();
}

describe('a cleanup policy applied to tags', () => {
  // Each row: the tags (name@days since pushed), the policy, the tags that must survive.
  const table: [string, string, Partial<CleanupPolicy>, string[]][] = [
    ['latest always survives, even when everything matches', 'latest@400 a@300 b@200', {}, ['latest']],
    [
      'latest survives a pattern naming it and keep_n of one',
      'latest@400 a@1',
      { nameRegexDelete: 'latest|a', keepN: 1 },
      ['a', 'latest'],
    ],
    ['no delete pattern deletes nothing', 'a@100 b@200', { nameRegexDelete: null }, ['a', 'b']],
    ['only names the delete pattern matches go', 'v1@10 v2@10 main@10', { nameRegexDelete: 'v.*' }, ['main']],
    [
      'the delete pattern matches whole names only',
      'v1@10 v10@10 xv1@10 v1-rc@10',
      { nameRegexDelete: 'v1' },
      ['v1-rc', 'v10', 'xv1'],
    ],
    [
      'the keep pattern wins over the delete pattern',
      'v1.0@10 v1.1@10 v2.0@10',
      { nameRegexDelete: 'v.*', nameRegexKeep: 'v1\\..*' },
      ['v1.0', 'v1.1'],
    ],
    ['tags without a manifest are left alone', 'a@10 b@10! c@10', {}, ['b']],
    ['keep_n spares the newest matching tags', 'a@1 b@2 c@3 d@4 e@5', { keepN: 2 }, ['a', 'b']],
    [
      'keep_n counts only tags that are still candidates (after the keep pattern)',
      'keep1@1 keep2@2 a@3 b@4 c@5',
      { nameRegexKeep: 'keep.*', keepN: 1 },
      ['a', 'keep1', 'keep2'],
    ],
    [
      'keep_n counts only tags the delete pattern matched',
      'main@1 v1@2 v2@3 v3@4',
      { nameRegexDelete: 'v.*', keepN: 1 },
      ['main', 'v1'],
    ],
    ['keep_n ignores tags without a manifest', 'a@1! b@2 c@3', { keepN: 1 }, ['a', 'b']],
    ['older_than spares tags newer than the cut-off', 'a@1 b@6 c@8 d@20', { olderThan: '7d' }, ['a', 'b']],
    [
      'keep_n is applied before older_than: the kept newest are spared, then the young ones',
      'a@1 b@2 c@3 d@20 e@40',
      { keepN: 1, olderThan: '14d' },
      ['a', 'b', 'c'],
    ],
    [
      'older_than does not make old tags count towards keep_n',
      'a@30 b@31 c@32',
      { keepN: 1, olderThan: '7d' },
      ['a'],
    ],
    [
      'every rule at once, in GitLab order',
      'latest@99 keep-me@99 v1@1 v2@10 v3@20 v4@30 v5@40! other@50',
      { nameRegexDelete: 'v.*|keep-me', nameRegexKeep: 'keep-.*', keepN: 1, olderThan: '14d' },
      ['keep-me', 'latest', 'other', 'v1', 'v2', 'v5'],
    ],
  ];

  it.each(table)('when %s, then the right tags survive', (_title, spec, rules, expected) => {
    expect(survivors(spec, rules)).toEqual(expected);
  });

  it('when tags were pushed at the same moment, then keep_n breaks the tie by name', () => {
    expect(survivors('a@5 b@5 c@5', { keepN: 1 })).toEqual(['c']);
  });
});
