import { DEFAULT_CLEANUP_POLICY, nextRunAfter } from './cleanup-policy';
import { applyCleanupPolicyAttributes, InvalidCleanupPolicyError } from './cleanup-policy-attributes';

const apply = (attributes: unknown) => applyCleanupPolicyAttributes(DEFAULT_CLEANUP_POLICY, attributes);

function refusal(attributes: unknown): { field: string; problem: string } {
  try {
    apply(attributes);
  } catch (error) {
    if (error instanceof InvalidCleanupPolicyError) return { field: error.field, problem: error.problem };
    throw error;
  }
  throw new Error('accepted');
}

describe('container_expiration_policy_attributes', () => {
  it('when every field has an allowed value, then the policy takes them', () => {
    expect(
      apply({
        enabled: true,
        cadence: '7d',
        keep_n: 25,
        older_than: '14d',
        name_regex_delete: 'v.*',
        name_regex_keep: 'stable',
      }),
    ).toEqual({
      enabled: true,
      cadence: '7d',
      keepN: 25,
      olderThan: '14d',
      nameRegexDelete: 'v.*',
      nameRegexKeep: 'stable',
    });
  });

  it('when values come as form text, then they are read as GitLab reads them', () => {
    expect(apply({ enabled: 'true', keep_n: '5' })).toMatchObject({ enabled: true, keepN: 5 });
  });

  it('when a field is absent, then it keeps its current value; null or empty clears optional ones', () => {
    expect(apply({})).toEqual(DEFAULT_CLEANUP_POLICY);
    expect(apply({ keep_n: null, older_than: '' })).toMatchObject({ keepN: null, olderThan: null });
  });

  it('when name_regex (the older name) is sent, then it sets the delete pattern; name_regex_delete wins', () => {
    expect(apply({ name_regex: 'a.*' }).nameRegexDelete).toBe('a.*');
    expect(apply({ name_regex: 'a.*', name_regex_delete: 'b.*' }).nameRegexDelete).toBe('b.*');
  });

  it.each([
    [{ cadence: '2d' }, 'cadence', 'is not included in the list'],
    [{ cadence: null }, 'cadence', 'is not included in the list'],
    [{ keep_n: 3 }, 'keep_n', 'is not included in the list'],
    [{ keep_n: 'ten' }, 'keep_n', 'is invalid'],
    [{ older_than: '60d' }, 'older_than', 'is not included in the list'],
    [{ older_than: 7 }, 'older_than', 'is invalid'],
    [{ enabled: 'maybe' }, 'enabled', 'is invalid'],
  ])('when %j is sent, then %s is refused', (attributes, field, problem) => {
    expect(refusal(attributes)).toEqual({ field, problem });
  });

  it.each(['name_regex', 'name_regex_delete', 'name_regex_keep'])(
    'when %s is not RE2, then that field is refused by name',
    (field) => {
      for (const pattern of ['(?=x)', 'a)|(b', '(a', '\\1']) {
        const { field: refused, problem } = refusal({ [field]: pattern });
        expect(refused).toBe(field);
        expect(problem).toMatch(/^not valid RE2 syntax: /);
      }
    },
  );

  it('when the attributes are not an object, then the whole parameter is refused', () => {
    expect(refusal('cadence=1d').field).toBe('container_expiration_policy_attributes');
  });
});

describe('nextRunAfter', () => {
  const from = new Date('2026-01-31T10:00:00Z');
  it.each([
    ['1d', '2026-02-01T10:00:00.000Z'],
    ['14d', '2026-02-14T10:00:00.000Z'],
    ['1month', '2026-02-28T10:00:00.000Z'],
    ['3month', '2026-04-30T10:00:00.000Z'],
  ] as const)('when the cadence is %s, then the next run is at %s', (cadence, expected) => {
    expect(nextRunAfter(cadence, from).toISOString()).toBe(expected);
  });
});
