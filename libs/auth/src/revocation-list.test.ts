import { RevocationList } from './revocation-list';

const T0 = Date.parse('2030-01-01T12:00:00.000Z');
const HOUR = 60 * 60 * 1000;

/** A clock the test moves by hand. */
function testClock(startMs = T0) {
  let nowMs = startMs;
  return {
    now: () => new Date(nowMs),
    set: (ms: number) => void (nowMs = ms),
    advance: (ms: number) => void (nowMs += ms),
  };
}

/** The parts of a verified token the list reads; `issuedAtMs` is floored to seconds as a JWT's iat is. */
const token = (issuedAtMs: number, ids: { userId?: number; credential?: string } = {}) => ({
  issuedAt: new Date(Math.floor(issuedAtMs / 1000) * 1000),
  ...ids,
});

describe('RevocationList', () => {
  let clock: ReturnType<typeof testClock>;
  let list: RevocationList;

  beforeEach(() => {
    clock = testClock();
    list = new RevocationList({ now: clock.now });
  });

  describe('credentials', () => {
    it('when a credential is revoked, then its tokens issued before are revoked and others are not', () => {
      list.revokeCredential('personal_access_token:3', new Date(T0));

      expect(list.isRevoked(token(T0 - 60_000, { credential: 'personal_access_token:3' }))).toBe(true);
      expect(list.isRevoked(token(T0 - 60_000, { credential: 'personal_access_token:4' }))).toBe(false);
      expect(list.isRevoked(token(T0 - 60_000, { userId: 3 }))).toBe(false);
      expect(list.isRevoked(token(T0 - 60_000))).toBe(false);
    });

    it('when a token was issued in a later second than the revocation, then it is not revoked', () => {
      list.revokeCredential('deploy_token:4', new Date(T0 + 400));

      expect(list.isRevoked(token(T0 + 1000, { credential: 'deploy_token:4' }))).toBe(false);
    });

    it('when a token was issued in the same second, even after the revocation, then it counts as revoked', () => {
      list.revokeCredential('job_token:9', new Date(T0 + 400));

      expect(list.isRevoked(token(T0 + 999, { credential: 'job_token:9' }))).toBe(true);
      expect(list.isRevoked(token(T0, { credential: 'job_token:9' }))).toBe(true);
    });

    it('when an earlier revocation of the same credential arrives late, then the later one still counts', () => {
      list.revokeCredential('personal_access_token:3', new Date(T0 + 10_000));
      list.revokeCredential('personal_access_token:3', new Date(T0));

      expect(list.isRevoked(token(T0 + 5_000, { credential: 'personal_access_token:3' }))).toBe(true);
      expect(list.size).toBe(1);
    });

    it.each(['', 'x'.repeat(201)])(
      'when the credential is invalid (%#), then revokeCredential throws',
      (credential) => {
        expect(() => list.revokeCredential(credential, new Date(T0))).toThrow(TypeError);
      },
    );

    it('when the date is invalid, then revokeCredential throws', () => {
      expect(() => list.revokeCredential('deploy_token:1', new Date(Number.NaN))).toThrow(TypeError);
    });
  });

  describe('users', () => {
    it('when a user is blocked, then every token of that user issued before is revoked, whatever the credential', () => {
      list.revokeUser(7, new Date(T0));

      expect(list.isRevoked(token(T0 - 1000, { userId: 7, credential: 'password:7' }))).toBe(true);
      expect(list.isRevoked(token(T0 - 1000, { userId: 7, credential: 'job_token:2' }))).toBe(true);
      expect(list.isRevoked(token(T0 - 1000, { userId: 8, credential: 'password:8' }))).toBe(false);
      expect(list.isRevoked(token(T0 + 1000, { userId: 7, credential: 'password:7' }))).toBe(false);
    });

    it('when a blocked user is unblocked, then older tokens stay revoked and new ones work (only time forgets)', () => {
      list.revokeUser(7, new Date(T0));
      // Unblocking changes nothing in the list; the user's next token is simply newer than the block.
      clock.advance(30_000);

      expect(list.isRevoked(token(T0 - 1000, { userId: 7 }))).toBe(true);
      expect(list.isRevoked(token(T0 + 30_000, { userId: 7 }))).toBe(false);
    });

    it.each([0, -3, 1.5, Number.NaN])('when the user id is %p, then revokeUser throws', (userId) => {
      expect(() => list.revokeUser(userId, new Date(T0))).toThrow(TypeError);
    });
  });

  describe('forgetting', () => {
    it('when maxTokenLifetimeMs has passed since the revocation, then the entry is forgotten', () => {
      list.revokeCredential('personal_access_token:3', new Date(T0));
      list.revokeUser(7, new Date(T0));
      clock.set(T0 + HOUR - 1);
      expect(list.isRevoked(token(T0 - 1000, { credential: 'personal_access_token:3' }))).toBe(true);
      expect(list.size).toBe(2);

      clock.set(T0 + HOUR);

      // A token issued before T0 would have expired by now anyway; the entry has done its job.
      expect(list.isRevoked(token(T0 - 1000, { credential: 'personal_access_token:3' }))).toBe(false);
      expect(list.isRevoked(token(T0 - 1000, { userId: 7 }))).toBe(false);
      expect(list.size).toBe(0);
    });

    it('when a revocation is older than maxTokenLifetimeMs on arrival, then nothing is stored', () => {
      list.revokeCredential('personal_access_token:3', new Date(T0 - HOUR));

      expect(list.size).toBe(0);
    });

    it('when the lifetime is configured, then entries live exactly that long', () => {
      const short = new RevocationList({ now: clock.now, maxTokenLifetimeMs: 6 * 60_000 });
      short.revokeCredential('deploy_token:1', new Date(T0));
      clock.set(T0 + 6 * 60_000 - 1);
      expect(short.isRevoked(token(T0, { credential: 'deploy_token:1' }))).toBe(true);

      clock.set(T0 + 6 * 60_000);

      expect(short.isRevoked(token(T0, { credential: 'deploy_token:1' }))).toBe(false);
    });

    it('when many revocations arrive over hours, then memory holds only the last lifetime of them', () => {
      for (let minute = 0; minute < 5 * 60; minute++) {
        clock.set(T0 + minute * 60_000);
        for (let n = 0; n < 10; n++)
          list.revokeCredential(`personal_access_token:${minute}-${n}`, clock.now());
      }

      // Revocations of the last hour (60 minutes x 10), give or take the sweep interval.
      expect(list.size).toBeLessThanOrEqual(61 * 10);
      expect(list.size).toBeGreaterThanOrEqual(59 * 10);
    });

    it('when maxTokenLifetimeMs is not positive, then the constructor throws', () => {
      expect(() => new RevocationList({ maxTokenLifetimeMs: 0 })).toThrow(RangeError);
    });
  });
});
