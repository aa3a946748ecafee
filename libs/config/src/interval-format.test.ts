import { ConfigError } from './config-error';
import { parseInterval } from './formats';
import { loadConfig } from './load-config';

const schema = {
  delayMs: { doc: 'A delay.', format: 'interval', default: '24h', env: 'SOME_DELAY' },
};

describe('the interval format', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2', 2000],
  ])('when the text is %s, then it is %d ms', (text, ms) => {
    expect(parseInterval(text)).toBe(ms);
  });

  it('when unset, then the default text becomes milliseconds', () => {
    expect(loadConfig<{ delayMs: number }>(schema, {})).toEqual({ delayMs: 86_400_000 });
  });

  it('when set to seconds (as tests do), then it is those seconds', () => {
    expect(loadConfig<{ delayMs: number }>(schema, { SOME_DELAY: '2s' })).toEqual({ delayMs: 2000 });
  });

  it.each(['1 day', '-5s', '3w', 'soon'])(
    'when the text is %s, then the error names the variable',
    (text) => {
      expect(() => loadConfig(schema, { SOME_DELAY: text })).toThrow(ConfigError);
      expect(() => loadConfig(schema, { SOME_DELAY: text })).toThrow(/SOME_DELAY: must be a length of time/);
    },
  );
});
