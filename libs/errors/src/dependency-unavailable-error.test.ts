import { DependencyUnavailableError, unavailableCause } from './dependency-unavailable-error';
import { isNetworkFailure } from './network-errors';

describe('unavailableCause', () => {
  const outage = new DependencyUnavailableError('storage', 'S3 is down');

  it('when the error is an outage, then it is returned with its dependency and Retry-After', () => {
    expect(unavailableCause(outage)).toBe(outage);
    expect([outage.dependency, outage.retryAfterSeconds]).toEqual(['storage', 5]);
  });

  it('when an outage is wrapped as the cause of other errors, then it is found', () => {
    const wrapped = new Error('job failed', { cause: new Error('step failed', { cause: outage }) });

    expect(unavailableCause(wrapped)).toBe(outage);
  });

  it.each([
    ['a plain error', new Error('bug')],
    ['no error at all', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('when it is %s, then it is no outage', (_name, error) => {
    expect(unavailableCause(error)).toBeUndefined();
  });
});

describe('isNetworkFailure', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'])(
    'when a socket failed with %s, then it is a network failure',
    (code) => {
      expect(isNetworkFailure(withCode(code))).toBe(true);
    },
  );

  it('when a timeout or a wrapped refusal, then it is a network failure', () => {
    expect(isNetworkFailure(Object.assign(new Error('late'), { name: 'TimeoutError' }))).toBe(true);
    expect(isNetworkFailure(new Error('fetch failed', { cause: withCode('ECONNREFUSED') }))).toBe(true);
  });

  it.each([
    ['a file that is missing', withCode('ENOENT')],
    ['a plain error', new Error('bug')],
    ['null', null],
  ])('when %s, then it is not', (_name, error) => {
    expect(isNetworkFailure(error)).toBe(false);
  });
});
