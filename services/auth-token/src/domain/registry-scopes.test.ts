import { MAX_SCOPES, parseRegistryScopes } from './registry-scopes';

describe('parseRegistryScopes', () => {
  it('when scopes repeat and are space-separated, then each is read in order', () => {
    expect(
      parseRegistryScopes(['repository:g/p:pull,push', 'repository:g/q:pull  registry:catalog:*']),
    ).toEqual([
      { type: 'repository', name: 'g/p', actions: ['pull', 'push'] },
      { type: 'repository', name: 'g/q', actions: ['pull'] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
  });

  it('when there is no scope, then there are none', () => {
    expect(parseRegistryScopes(undefined)).toEqual([]);
    expect(parseRegistryScopes('')).toEqual([]);
    expect(parseRegistryScopes({ nested: 'object' })).toEqual([]);
  });

  it('when a name has capitals or a resource class, then it is lower-cased and read as a repository', () => {
    expect(parseRegistryScopes('repository(plugin):Group/App:pull')).toEqual([
      { type: 'repository', name: 'group/app', actions: ['pull'] },
    ]);
  });

  it('when actions are unknown or repeated, then only known ones are kept, once', () => {
    expect(parseRegistryScopes('repository:g/p:pull,fly,pull,*,delete')).toEqual([
      { type: 'repository', name: 'g/p', actions: ['pull', '*', 'delete'] },
    ]);
    expect(parseRegistryScopes('repository:g/p:fly')).toEqual([]);
  });

  it.each([
    'garbage',
    ':g/p:pull',
    'repository:g/p',
    'repository::pull',
    'repository:g//p:pull',
    'repository:/g/p:pull',
    'repository:g/p/:pull',
    'repository:g/../p:pull',
    'repository:g/p%20:pull',
    'repository:-g/p:pull',
    'repository:localhost:5000/g/p:pull',
    `repository:g/${'a'.repeat(260)}:pull`,
    'registry:catalog:pull',
    'registry:other:*',
    'repository(Plugin!):g/p:pull',
    'blob:g/p:pull',
  ])('when the scope is %j, then it is ignored', (scope) => {
    expect(parseRegistryScopes(scope)).toEqual([]);
  });

  it('when a request carries more scopes than any client sends, then the rest are ignored', () => {
    const many = Array.from({ length: MAX_SCOPES + 10 }, (_, index) => `repository:g/p${index}:pull`);
    expect(parseRegistryScopes(many)).toHaveLength(MAX_SCOPES);
  });
});
