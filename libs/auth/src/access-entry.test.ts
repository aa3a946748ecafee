import { parseAccessClaim } from './access-entry';

describe('parseAccessClaim', () => {
  it('when the claim is absent, then there is no access', () => {
    expect(parseAccessClaim(undefined)).toEqual([]);
  });

  it('when entries carry members we do not know, then they are dropped and the rest kept', () => {
    const parsed = parseAccessClaim([
      {
        type: 'repository',
        name: 'group/app',
        actions: ['pull'],
        future: true,
        meta: { project_id: 7, project_path: 'group/app', root_namespace_id: 3 },
      },
    ]);

    expect(parsed).toEqual([
      {
        type: 'repository',
        name: 'group/app',
        actions: ['pull'],
        meta: { project_id: 7, project_path: 'group/app' },
      },
    ]);
  });

  it('when a dependency proxy entry carries its group, then the group id and path are kept', () => {
    const entry = {
      type: 'repository',
      name: 'group/dependency_proxy/containers/alpine',
      actions: ['pull'],
      meta: { group_id: 4, group_path: 'group' },
    };

    expect(parseAccessClaim([entry])).toEqual([entry]);
  });

  it.each([
    { group_id: '4', group_path: 'group' },
    { group_id: 4, group_path: '' },
  ])('when the group meta is %j, then the claim is refused', (meta) => {
    expect(
      parseAccessClaim([{ type: 'repository', name: 'g/dependency_proxy/containers/a', actions: [], meta }]),
    ).toBeNull();
  });

  it('when an entry grants no actions, then it is kept with none', () => {
    expect(parseAccessClaim([{ type: 'repository', name: 'a', actions: [] }])).toEqual([
      { type: 'repository', name: 'a', actions: [] },
    ]);
  });

  it.each([
    null,
    'x',
    {},
    [{ type: 'repository', name: 'a', actions: 'pull' }],
    [{ type: 1, name: 'a', actions: [] }],
  ])('when the claim is %j, then it is refused', (claim) => {
    expect(parseAccessClaim(claim)).toBeNull();
  });
});
