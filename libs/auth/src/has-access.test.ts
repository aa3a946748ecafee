import { hasAccess } from './has-access';
import type { VerifiedToken } from './verified-token';

const token = (access: VerifiedToken['access']): VerifiedToken => ({
  subject: 'alice',
  issuer: 'stowage',
  audience: 'container_registry',
  access,
  issuedAt: new Date(0),
  expiresAt: new Date(300_000),
  keyId: 'k1',
});

describe('hasAccess', () => {
  const pullPush = token([{ type: 'repository', name: 'group/app', actions: ['pull', 'push'] }]);

  it('when the action is granted on the resource, then it is true', () => {
    expect(hasAccess(pullPush, 'repository', 'group/app', 'push')).toBe(true);
  });

  it('when the action is not granted, then it is false', () => {
    expect(hasAccess(pullPush, 'repository', 'group/app', 'delete')).toBe(false);
  });

  it('when the grant is for another name or type, then it is false', () => {
    expect(hasAccess(pullPush, 'repository', 'group/app2', 'pull')).toBe(false);
    expect(hasAccess(pullPush, 'repository', 'Group/App', 'pull')).toBe(false);
    expect(hasAccess(pullPush, 'registry', 'group/app', 'pull')).toBe(false);
  });

  it('when the grant lists *, then every action is granted on that resource only', () => {
    const catalog = token([{ type: 'registry', name: 'catalog', actions: ['*'] }]);

    expect(hasAccess(catalog, 'registry', 'catalog', 'list')).toBe(true);
    expect(hasAccess(catalog, 'repository', 'catalog', 'pull')).toBe(false);
  });

  it('when the token has no access, then it is false', () => {
    expect(hasAccess(token([]), 'repository', 'group/app', 'pull')).toBe(false);
  });
});
