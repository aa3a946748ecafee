import { retryAfterSeconds } from './statuses';

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('when Retry-After is a number of seconds, then that number', () => {
    expect(retryAfterSeconds('120', now)).toBe(120);
  });

  it('when Retry-After is an HTTP date, then the seconds until then, never negative', () => {
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
  });

  it('when Retry-After is missing or unreadable, then undefined', () => {
    expect(retryAfterSeconds(undefined, now)).toBeUndefined();
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
  });
});
