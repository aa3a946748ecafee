import { parseOlderThan } from './older-than';

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

describe('parseOlderThan', () => {
  it.each([
    ['1h', HOUR],
    ['7d', 7 * DAY],
    ['1month', 30 * DAY],
    ['2 weeks', 14 * DAY],
    ['1d 12h', 36 * HOUR],
    ['1h30m', 90 * 60 * SECOND],
    ['1.5h', 1.5 * HOUR],
    ['1 year', 365.25 * DAY],
    ['90', 90 * SECOND],
    ['3 Days, 2 hours and 5 minutes', 3 * DAY + 2 * HOUR + 5 * 60 * SECOND],
  ])('when %s is given, then it lasts as GitLab reads it', (text, ms) => {
    expect(parseOlderThan(text)).toBe(ms);
  });

  it.each(['', 'soon', '1 fortnight', 'h', '-1d', '1d soon', 'and', '99999999999 years'])(
    'when %j is given, then it is no duration',
    (text) => {
      expect(parseOlderThan(text)).toBeNull();
    },
  );
});
