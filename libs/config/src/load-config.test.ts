import { loadConfig } from './load-config';
import { ConfigError } from './config-error';
import { infrastructureOptions, listenOptions } from './shared-options';

const schema = { ...listenOptions(5002), ...infrastructureOptions };

describe('loadConfig', () => {
  it('when the environment is empty, then every option takes its default', () => {
    const config = loadConfig<{ port: number; dataDir: string; s3: { bucket: string } }>(schema, {});
    expect(config.port).toBe(5002);
    expect(config.dataDir).toBe('./data');
    expect(config.s3.bucket).toBe('');
  });

  it('when variables are set, then they override defaults with the right types', () => {
    const config = loadConfig<{ port: number; migrateOnStart: boolean; s3: { forcePathStyle: boolean } }>(
      schema,
      {
        PORT: '6000',
        MIGRATE_ON_START: 'false',
        S3_FORCE_PATH_STYLE: 'false',
      },
    );
    expect(config).toMatchObject({ port: 6000, migrateOnStart: false, s3: { forcePathStyle: false } });
  });

  it('when a port is out of range, then the error is one line naming PORT', () => {
    expect(() => loadConfig(schema, { PORT: '99999' })).toThrow(ConfigError);
    try {
      loadConfig(schema, { PORT: '99999' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT/);
      expect(message).not.toMatch(/\n/);
    }
  });

  it('when a URL has the wrong scheme, then the message names the variable and hides credentials', () => {
    let message = '';
    try {
      loadConfig(schema, { DATABASE_URL: 'mysql://admin:hunter2@db/x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).not.toMatch(/hunter2/);
  });

  it('when a URL is not a URL, then the password does not leak into the message', () => {
    let message = '';
    try {
      loadConfig(schema, { AMQP_URL: 'amqp//guest:s3cret@broker' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/AMQP_URL/);
    expect(message).not.toMatch(/s3cret/);
  });

  it('when two values are invalid, then both variables are named on one line', () => {
    let message = '';
    try {
      loadConfig(schema, { PORT: 'x', DATABASE_URL: 'nope' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL/);
    expect(message.split('\n')).toHaveLength(1);
  });
});
