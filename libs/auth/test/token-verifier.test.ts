import { createPublicKey } from 'node:crypto';
import {
  createTokenVerifier,
  generateSigningKey,
  signAccessToken,
  TokenInvalidError,
  type AccessTokenClaims,
  type SigningKey,
  type TokenInvalidReason,
  type TokenVerifierOptions,
} from '@stowage/auth';
import { startJwksServer, type JwksServer } from './support/jwks-server';
import { baseClaims, segment, signRawHs256, signRawRs256, signSigningInput } from './support/tokens';

const ISSUER = 'stowage-test';
const AUDIENCE = 'container_registry';

let keyA: SigningKey;
let keyB: SigningKey;
let jwks: JwksServer;

beforeAll(() => {
  keyA = generateSigningKey();
  keyB = generateSigningKey();
});

beforeEach(async () => {
  jwks = await startJwksServer([keyA.publicJwk]);
});

afterEach(async () => {
  await jwks.close();
});

const verifierFor = (overrides: Partial<TokenVerifierOptions> = {}) =>
  createTokenVerifier({ jwksUri: jwks.url, issuer: ISSUER, audiences: [AUDIENCE], ...overrides });

const claims = (overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims => ({
  issuer: ISSUER,
  subject: 'alice',
  audience: AUDIENCE,
  access: [{ type: 'repository', name: 'group/app', actions: ['pull', 'push'] }],
  expiresInSeconds: 300,
  ...overrides,
});

async function reasonOf(promise: Promise<unknown>): Promise<TokenInvalidReason> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(TokenInvalidError);
  return (error as TokenInvalidError).reason;
}

describe('createTokenVerifier', () => {
  describe('accepting', () => {
    it('when the token is signed by a published key with valid claims, then its content is returned', async () => {
      const issuedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      const token = signAccessToken(
        keyA,
        claims({
          issuedAt,
          jwtId: 'jti-1',
          access: [
            {
              type: 'repository',
              name: 'group/app',
              actions: ['pull'],
              meta: { project_id: 7, project_path: 'group/app' },
            },
          ],
        }),
      );

      const verified = await verifierFor().verify(token);

      expect(verified).toEqual({
        subject: 'alice',
        issuer: ISSUER,
        audience: AUDIENCE,
        access: [
          {
            type: 'repository',
            name: 'group/app',
            actions: ['pull'],
            meta: { project_id: 7, project_path: 'group/app' },
          },
        ],
        issuedAt,
        expiresAt: new Date(issuedAt.getTime() + 300_000),
        jwtId: 'jti-1',
        keyId: keyA.kid,
      });
    });

    it('when the token carries user_id and credential, then they are returned as userId and credential', async () => {
      const token = signAccessToken(keyA, claims({ userId: 5, credential: 'job_token:9' }));

      await expect(verifierFor().verify(token)).resolves.toMatchObject({
        userId: 5,
        credential: 'job_token:9',
      });
    });

    it('when several tokens use the same key, then the JWKS is fetched once', async () => {
      const verifier = verifierFor();

      await verifier.verify(signAccessToken(keyA, claims()));
      await verifier.verify(signAccessToken(keyA, claims({ subject: 'bob' })));

      expect(jwks.requests).toBe(1);
    });

    it('when the token has no access claim, then it is accepted with no access', async () => {
      const payload = { ...baseClaims() };
      delete payload.access;
      const token = signRawRs256(keyA, { alg: 'RS256', typ: 'JWT', kid: keyA.kid }, payload);

      const verified = await verifierFor().verify(token);

      expect(verified.access).toEqual([]);
    });

    it('when the caller names the audience, then only that audience is accepted', async () => {
      const verifier = verifierFor({ audiences: [AUDIENCE, 'other'] });
      const token = signAccessToken(keyA, claims({ audience: 'other' }));

      await expect(verifier.verify(token, 'other')).resolves.toMatchObject({ audience: 'other' });
      expect(await reasonOf(verifier.verify(token, AUDIENCE))).toBe('wrong_audience');
    });

    it('when a token expired less than the clock tolerance ago, then it is still accepted', async () => {
      const token = signAccessToken(keyA, claims({ expiresInSeconds: 60 }));
      const verifier = verifierFor({ clockToleranceSeconds: 30, now: () => new Date(Date.now() + 80_000) });

      await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'alice' });
    });
  });

  describe('refusing', () => {
    it('when the algorithm is none, then it is refused as unsupported_algorithm', async () => {
      const token = `${segment({ alg: 'none', typ: 'JWT', kid: keyA.kid })}.${segment(baseClaims())}.`;

      expect(await reasonOf(verifierFor().verify(token))).toBe('unsupported_algorithm');
    });

    it('when the token is HS256 signed with the public key as secret, then it is refused as unsupported_algorithm', async () => {
      const publicPem = createPublicKey({ key: keyA.publicJwk, format: 'jwk' })
        .export({ type: 'spki', format: 'pem' })
        .toString();
      const token = signRawHs256(publicPem, { alg: 'HS256', typ: 'JWT', kid: keyA.kid }, baseClaims());

      expect(await reasonOf(verifierFor().verify(token))).toBe('unsupported_algorithm');
    });

    it.each(['RS384', 'PS256', 'ES256', 'rs256'])(
      'when the algorithm is %s, then it is refused as unsupported_algorithm',
      async (alg) => {
        const token = signRawRs256(keyA, { alg, kid: keyA.kid }, baseClaims());

        expect(await reasonOf(verifierFor().verify(token))).toBe('unsupported_algorithm');
      },
    );

    it('when the token has expired, then it is refused as expired', async () => {
      const token = signAccessToken(keyA, claims({ issuedAt: new Date(Date.now() - 3_600_000) }));

      expect(await reasonOf(verifierFor().verify(token))).toBe('expired');
    });

    it('when the token is not valid yet, then it is refused as not_yet_valid', async () => {
      const token = signAccessToken(keyA, claims({ notBefore: new Date(Date.now() + 600_000) }));

      expect(await reasonOf(verifierFor().verify(token))).toBe('not_yet_valid');
    });

    it('when the token was issued in the future, then it is refused as not_yet_valid', async () => {
      const token = signAccessToken(keyA, claims({ issuedAt: new Date(Date.now() + 600_000) }));

      expect(await reasonOf(verifierFor().verify(token))).toBe('not_yet_valid');
    });

    it('when the token is for another audience, then it is refused as wrong_audience', async () => {
      const token = signAccessToken(keyA, claims({ audience: 'package_registry' }));

      expect(await reasonOf(verifierFor().verify(token))).toBe('wrong_audience');
    });

    it('when the token comes from another issuer, then it is refused as wrong_issuer', async () => {
      const token = signAccessToken(keyA, claims({ issuer: 'someone-else' }));

      expect(await reasonOf(verifierFor().verify(token))).toBe('wrong_issuer');
    });

    it('when the kid is unknown even after one refetch, then it is refused as unknown_key', async () => {
      const verifier = verifierFor();
      await verifier.verify(signAccessToken(keyA, claims()));
      const requestsBefore = jwks.requests;

      const reason = await reasonOf(verifier.verify(signAccessToken(keyB, claims())));

      expect(reason).toBe('unknown_key');
      expect(jwks.requests).toBe(requestsBefore + 1);
    });

    it('when unknown kids keep coming, then the JWKS refetches stay within the rate limit', async () => {
      const verifier = verifierFor({ jwksRequestsPerMinute: 2 });
      const reasons: TokenInvalidReason[] = [];

      for (let i = 0; i < 5; i += 1) {
        reasons.push(
          await reasonOf(verifier.verify(signAccessToken({ ...keyB, kid: `made-up-${i}` }, claims()))),
        );
      }

      expect(reasons).toEqual(Array(5).fill('unknown_key'));
      expect(jwks.requests).toBe(2);
    });

    it('when the payload was tampered with, then it is refused as bad_signature', async () => {
      const [header, , signature] = signAccessToken(keyA, claims()).split('.');
      const forgedPayload = segment({
        ...baseClaims(),
        access: [{ type: 'repository', name: 'group/app', actions: ['push'] }],
      });

      const reason = await reasonOf(verifierFor().verify(`${header}.${forgedPayload}.${signature}`));

      expect(reason).toBe('bad_signature');
    });

    it('when another key signed it under a published kid, then it is refused as bad_signature', async () => {
      const token = signAccessToken({ kid: keyA.kid, privateKeyPem: keyB.privateKeyPem }, claims());

      expect(await reasonOf(verifierFor().verify(token))).toBe('bad_signature');
    });

    it('when the token has no exp, then it is refused as bad_claims', async () => {
      const payload = { ...baseClaims() };
      delete payload.exp;
      const token = signRawRs256(keyA, { alg: 'RS256', kid: keyA.kid }, payload);

      expect(await reasonOf(verifierFor().verify(token))).toBe('bad_claims');
    });

    it('when the token has no iat, then it is refused as bad_claims', async () => {
      const payload = { ...baseClaims() };
      delete payload.iat;
      const token = signRawRs256(keyA, { alg: 'RS256', kid: keyA.kid }, payload);

      expect(await reasonOf(verifierFor().verify(token))).toBe('bad_claims');
    });

    it.each([
      ['an object', { type: 'repository', name: 'group/app', actions: ['pull'] }],
      ['a string', 'repository:group/app:pull'],
      ['an entry without actions', [{ type: 'repository', name: 'group/app' }]],
      ['actions that are not strings', [{ type: 'repository', name: 'group/app', actions: [1] }]],
      ['an empty name', [{ type: 'repository', name: '', actions: ['pull'] }]],
      ['a null entry', [null]],
      [
        'a non-integer project_id',
        [{ type: 'repository', name: 'a', actions: [], meta: { project_id: '7' } }],
      ],
      ['meta that is not an object', [{ type: 'repository', name: 'a', actions: [], meta: 'x' }]],
    ])('when the access claim is %s, then it is refused as bad_claims', async (_shape, access) => {
      const token = signRawRs256(keyA, { alg: 'RS256', kid: keyA.kid }, { ...baseClaims(), access });

      expect(await reasonOf(verifierFor().verify(token))).toBe('bad_claims');
    });

    it.each([
      ['user_id as a string', { user_id: '5' }],
      ['user_id zero', { user_id: 0 }],
      ['credential as a number', { credential: 9 }],
      ['an empty credential', { credential: '' }],
    ])('when the token has %s, then it is refused as bad_claims', async (_shape, extra) => {
      const token = signRawRs256(keyA, { alg: 'RS256', kid: keyA.kid }, { ...baseClaims(), ...extra });

      expect(await reasonOf(verifierFor().verify(token))).toBe('bad_claims');
    });

    it.each([
      ['an empty string', ''],
      ['one segment', 'abc'],
      ['two segments', 'abc.def'],
      ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.e30.c2ln`],
      ['a header without kid', `${segment({ alg: 'RS256' })}.${segment(baseClaims())}.c2ln`],
      ['a header with critical extensions', `${segment({ alg: 'RS256', kid: 'k', crit: ['b64'] })}.e30.c2ln`],
    ])('when the token is %s, then it is refused as malformed', async (_shape, token) => {
      expect(await reasonOf(verifierFor().verify(token))).toBe('malformed');
    });

    it('when the payload is not JSON but correctly signed, then it is refused as malformed', async () => {
      const input = `${segment({ alg: 'RS256', kid: keyA.kid })}.${Buffer.from('not json').toString('base64url')}`;

      expect(await reasonOf(verifierFor().verify(signSigningInput(keyA, input)))).toBe('malformed');
    });
  });

  describe('key rotation', () => {
    it('when a new key is added to the JWKS, then tokens signed with it are accepted after a refetch', async () => {
      const verifier = verifierFor();
      await verifier.verify(signAccessToken(keyA, claims()));

      jwks.setKeys([keyA.publicJwk, keyB.publicJwk]);
      const verified = await verifier.verify(signAccessToken(keyB, claims()));

      expect(verified.keyId).toBe(keyB.kid);
      expect(jwks.requests).toBe(2);
    });

    it('when keys are invalidated, then the next verification refetches the JWKS', async () => {
      const verifier = verifierFor();
      const token = signAccessToken(keyA, claims());
      await verifier.verify(token);
      await verifier.verify(token);
      expect(jwks.requests).toBe(1);

      verifier.invalidateKeys();
      await verifier.verify(token);

      expect(jwks.requests).toBe(2);
    });

    it('when a key is withdrawn and keys are invalidated, then its tokens are refused as unknown_key', async () => {
      const verifier = verifierFor();
      const token = signAccessToken(keyA, claims());
      await verifier.verify(token);
      jwks.setKeys([keyB.publicJwk]);
      await expect(verifier.verify(token)).resolves.toBeDefined();

      verifier.invalidateKeys();

      expect(await reasonOf(verifier.verify(token))).toBe('unknown_key');
    });
  });

  describe('JWKS outages', () => {
    it('when the JWKS server is down, then it is refused as jwks_unavailable', async () => {
      const token = signAccessToken(keyA, claims());
      await jwks.close();

      expect(await reasonOf(verifierFor().verify(token))).toBe('jwks_unavailable');
    });

    it('when the JWKS server answers 500, then it is refused as jwks_unavailable', async () => {
      jwks.setStatus(500);

      expect(await reasonOf(verifierFor().verify(signAccessToken(keyA, claims())))).toBe('jwks_unavailable');
    });

    it('when the JWKS server recovers, then the key is fetched again (failures are not cached)', async () => {
      const verifier = verifierFor();
      const token = signAccessToken(keyA, claims());
      jwks.setStatus(503);
      expect(await reasonOf(verifier.verify(token))).toBe('jwks_unavailable');

      jwks.setStatus(200);

      await expect(verifier.verify(token)).resolves.toMatchObject({ keyId: keyA.kid });
    });

    it('when a fetch function is given, then keys come from it instead of HTTP', async () => {
      const fetched: string[] = [];
      const verifier = verifierFor({
        jwksUri: 'http://auth-token.invalid/jwks',
        fetch: async (uri) => {
          fetched.push(uri);
          return { keys: [keyA.publicJwk] };
        },
      });

      await expect(verifier.verify(signAccessToken(keyA, claims()))).resolves.toMatchObject({
        subject: 'alice',
      });
      expect(fetched).toEqual(['http://auth-token.invalid/jwks']);
      expect(jwks.requests).toBe(0);
    });
  });

  describe('configuration', () => {
    it.each<[string, Partial<TokenVerifierOptions>]>([
      ['a non-http jwksUri', { jwksUri: 'file:///etc/jwks.json' }],
      ['an empty issuer', { issuer: '' }],
      ['no audiences', { audiences: [] }],
    ])('when given %s, then creating the verifier throws', (_case, overrides) => {
      expect(() => verifierFor(overrides)).toThrow(TypeError);
    });
  });
});
