import express from 'express';
import request from 'supertest';
import type { Logger } from '@stowage/logging';
import { requestContext } from './request-context';

/** A logger that records each line with the name of the logger that wrote it. */
function recordingLogger(name: string, lines: string[], { level = 'http' } = {}): Logger {
  const logger = {
    child: () => logger,
    isLevelEnabled: (wanted: string) => wanted !== 'http' || level === 'http',
    http: (message: string, meta: { path: string }) => lines.push(`${name} ${message} ${meta.path}`),
    warn: (message: string) => lines.push(`${name} warn ${message}`),
  };
  return logger as unknown as Logger;
}

describe('requestContext', () => {
  it('writes one access line per app under its own logger when one app hands the request to another', async () => {
    const lines: string[] = [];
    const service = express();
    service.use(requestContext(recordingLogger('registry', lines)));
    service.get('/v2/', (_req, res) => res.json({}));
    const gateway = express();
    gateway.use(requestContext(recordingLogger('gateway', lines)));
    // What the standalone gateway's in-process hand-off does: the same req and res, another app.
    gateway.use((req, res) => service(req, res));

    await request(gateway).get('/v2/').expect(200);

    expect(lines.sort()).toEqual(['gateway request /v2/', 'registry request /v2/']);
  });

  it('writes no access line when the level is off', async () => {
    const lines: string[] = [];
    const app = express();
    app.use(requestContext(recordingLogger('registry', lines, { level: 'info' })));
    app.get('/v2/', (req, res) => {
      req.log.warn('something to say');
      res.json({});
    });

    await request(app).get('/v2/').expect(200);

    expect(lines).toEqual(['registry warn something to say']);
  });
});
