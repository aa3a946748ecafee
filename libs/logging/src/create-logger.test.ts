import { PassThrough } from 'node:stream';
import { createLogger } from './create-logger';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { stream, lines };
}

describe('createLogger', () => {
  it('when a child logger logs, then the line is JSON with service, request id and timestamp', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'registry', stream });
    logger.child({ requestId: 'r-1' }).info('hello', { resource: 'blob' });
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({
      level: 'info',
      message: 'hello',
      service: 'registry',
      requestId: 'r-1',
      resource: 'blob',
    });
    expect(typeof lines[0]!.timestamp).toBe('string');
  });

  it('when an event is below the level, then it is never serialised, until the level is lowered', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'gateway', level: 'warn', stream });
    let serialised = 0;
    const metadata = {
      path: {
        toJSON() {
          serialised += 1;
          return '/v2/';
        },
      },
    };
    logger.child({ requestId: 'r-2' }).http('request', metadata);
    await new Promise((r) => setImmediate(r));
    expect(serialised).toBe(0);
    expect(lines).toHaveLength(0);

    logger.level = 'http';
    logger.child({ requestId: 'r-3' }).http('request', metadata);
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([expect.objectContaining({ level: 'http', path: '/v2/', requestId: 'r-3' })]);
  });

  it('when a child logger names its own service, then that name wins over the default', async () => {
    const { stream, lines } = capture();
    createLogger({ service: 'stowage', stream }).child({ service: 'registry' }).info('hi');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]!.service).toBe('registry');
  });

  it('when metadata carries credentials, then they are redacted at any depth', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'gateway', stream });
    logger.info('request', {
      headers: { Authorization: 'Bearer abc.def', 'private-token': 'glpat-secret' },
      url: 'amqp://guest:hunter2@127.0.0.1',
      password: 'p4ss',
    });
    await new Promise((r) => setImmediate(r));
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/abc\.def|glpat-secret|hunter2|p4ss/);
    expect(text).toMatch(/\[redacted\]/);
  });

  it('when the level is warn, then info lines are dropped', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'x', level: 'warn', stream });
    logger.info('dropped');
    logger.warn('kept');
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => l.message)).toEqual(['kept']);
  });

  it('when an error with a code and a cause is logged as meta, then its name, message, code and cause are in the line', async () => {
    const { stream, lines } = capture();
    const logger = createLogger({ service: 'x', stream });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' });
    logger.error('request failed', { error: new Error('S3 PutObject failed', { cause: refused }) });
    await new Promise((r) => setImmediate(r));
    const error = lines[0]!.error as Record<string, unknown>;
    expect(error).toMatchObject({
      name: 'Error',
      message: 'S3 PutObject failed',
      cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:9000', code: 'ECONNREFUSED' },
    });
    expect(error.stack).toEqual(expect.stringContaining('S3 PutObject failed'));
  });
});
