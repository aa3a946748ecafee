import { validateClaims, type ClaimExpectations } from './token-claims';
import { TokenInvalidError } from './token-invalid-error';

const NOW = 1_900_000_000;
const expectations: ClaimExpectations = {
  issuer: 'stowage',
  audiences: ['container_registry'],
  clockToleranceSeconds: 0,
  now: new Date(NOW * 1000),
};
const payload = (extra: Record<string, unknown> = {}) => ({
  iss: 'stowage',
  sub: 'alice',
  aud: 'container_registry',
  iat: NOW - 10,
  exp: NOW + 290,
  ...extra,
});

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof TokenInvalidError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('validateClaims: identity claims', () => {
  it('when user_id and credential are present, then they are returned as userId and credential', () => {
    const token = validateClaims(
      payload({ user_id: 42, credential: 'personal_access_token:3' }),
      expectations,
    );

    expect(token.userId).toBe(42);
    expect(token.credential).toBe('personal_access_token:3');
  });

  it('when both are absent, then the token has neither (anonymous)', () => {
    const token = validateClaims(payload(), expectations);

    expect(token).not.toHaveProperty('userId');
    expect(token).not.toHaveProperty('credential');
  });

  it('when only credential is present, then only credential is returned (deploy token)', () => {
    const token = validateClaims(payload({ credential: 'deploy_token:4' }), expectations);

    expect(token.credential).toBe('deploy_token:4');
    expect(token).not.toHaveProperty('userId');
  });

  it('when credential is exactly 200 characters, then it is accepted', () => {
    const credential = 'x'.repeat(200);

    expect(validateClaims(payload({ credential }), expectations).credential).toBe(credential);
  });

  it.each<[string, unknown]>([
    ['a string', '42'],
    ['zero', 0],
    ['negative', -1],
    ['a fraction', 1.5],
    ['beyond safe integers', 2 ** 53],
    ['null', null],
  ])('when user_id is %s, then the token is refused as bad_claims', (_case, userId) => {
    expect(reasonOf(() => validateClaims(payload({ user_id: userId }), expectations))).toBe('bad_claims');
  });

  it.each<[string, unknown]>([
    ['a number', 3],
    ['empty', ''],
    ['201 characters', 'x'.repeat(201)],
    ['an object', { kind: 'personal_access_token', id: 3 }],
    ['null', null],
  ])('when credential is %s, then the token is refused as bad_claims', (_case, credential) => {
    expect(reasonOf(() => validateClaims(payload({ credential }), expectations))).toBe('bad_claims');
  });
});
