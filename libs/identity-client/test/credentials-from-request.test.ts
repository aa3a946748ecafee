import express from 'express';
import request from 'supertest';
import {
  credentialsFromRequest,
  IdentityUnauthorizedError,
  MalformedCredentialsError,
} from '@stowage/identity-client';

// A real Express app, so headers and the query string are parsed as in a service.
const app = express();
app.get('/probe', (req, res) => {
  try {
    res.json({ credentials: credentialsFromRequest(req) });
  } catch (error) {
    res.status(401).json({ error: error instanceof MalformedCredentialsError ? error.name : String(error) });
  }
});

const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;

describe('credentialsFromRequest', () => {
  it('when nothing is sent, then the request is anonymous (null)', async () => {
    const res = await request(app).get('/probe');

    expect(res.body).toEqual({ credentials: null });
  });

  it.each<[string, (r: request.Test) => request.Test, string, unknown]>([
    [
      'Private-Token header',
      (r) => r.set('Private-Token', 'glpat-a'),
      '',
      { kind: 'private_token', token: 'glpat-a' },
    ],
    [
      'private_token parameter',
      (r) => r,
      '?private_token=glpat-b',
      { kind: 'private_token', token: 'glpat-b' },
    ],
    ['Job-Token header', (r) => r.set('Job-Token', 'glcbt-c'), '', { kind: 'job_token', token: 'glcbt-c' }],
    ['job_token parameter', (r) => r, '?job_token=glcbt-d', { kind: 'job_token', token: 'glcbt-d' }],
    [
      'Deploy-Token header',
      (r) => r.set('Deploy-Token', 'gldt-e'),
      '',
      { kind: 'deploy_token', token: 'gldt-e' },
    ],
    ['Bearer', (r) => r.set('Authorization', 'Bearer glpat-f'), '', { kind: 'bearer', token: 'glpat-f' }],
    [
      'bearer in lower case',
      (r) => r.set('Authorization', 'bearer glpat-f'),
      '',
      { kind: 'bearer', token: 'glpat-f' },
    ],
    [
      'Basic',
      (r) => r.set('Authorization', basic('alice:pa:ss wörd')),
      '',
      { kind: 'basic', username: 'alice', password: 'pa:ss wörd' },
    ],
    [
      'Basic with a token as password',
      (r) => r.set('Authorization', basic('gitlab-ci-token:glcbt-g')),
      '',
      { kind: 'basic', username: 'gitlab-ci-token', password: 'glcbt-g' },
    ],
  ])('when sent as %s, then it is recognised', async (_case, send, query, expected) => {
    const res = await send(request(app).get(`/probe${query}`));

    expect(res.body).toEqual({ credentials: expected });
  });

  it('when several are sent, then GitLab precedence applies: Private-Token, Job-Token, Deploy-Token, Bearer, Basic', async () => {
    const all = (r: request.Test) =>
      r
        .set('Authorization', 'Bearer glpat-bearer')
        .set('Deploy-Token', 'gldt-deploy')
        .set('Job-Token', 'glcbt-job')
        .set('Private-Token', 'glpat-private');

    expect((await all(request(app).get('/probe'))).body.credentials.kind).toBe('private_token');
    expect((await all(request(app).get('/probe?private_token=glpat-q'))).body.credentials.token).toBe(
      'glpat-private',
    );
    expect(
      (await request(app).get('/probe?private_token=glpat-q').set('Job-Token', 'glcbt-job')).body.credentials
        .kind,
    ).toBe('private_token');
    expect(
      (await request(app).get('/probe?job_token=glcbt-q').set('Deploy-Token', 'gldt-deploy')).body.credentials
        .kind,
    ).toBe('job_token');
    expect(
      (await request(app).get('/probe').set('Deploy-Token', 'gldt-deploy').set('Authorization', 'Bearer x'))
        .body.credentials.kind,
    ).toBe('deploy_token');
  });

  it('when a header is empty, then it counts as absent', async () => {
    const res = await request(app).get('/probe').set('Private-Token', '').set('Job-Token', 'glcbt-h');

    expect(res.body).toEqual({ credentials: { kind: 'job_token', token: 'glcbt-h' } });
  });

  it('when Authorization uses another scheme, then the request is anonymous', async () => {
    const res = await request(app).get('/probe').set('Authorization', 'Negotiate abc');

    expect(res.body).toEqual({ credentials: null });
  });

  it('when only the session cookie is sent, then it is the credential (kind session)', async () => {
    const res = await request(app).get('/probe').set('Cookie', 'theme=dark; _stowage_session=s3cret');

    expect(res.body).toEqual({ credentials: { kind: 'session', token: 's3cret' } });
  });

  it.each<[string, (r: request.Test) => request.Test, string, unknown]>([
    [
      'Private-Token',
      (r) => r.set('Private-Token', 'glpat-a'),
      '',
      { kind: 'private_token', token: 'glpat-a' },
    ],
    ['private_token', (r) => r, '?private_token=glpat-b', { kind: 'private_token', token: 'glpat-b' }],
    ['Job-Token', (r) => r.set('Job-Token', 'glcbt-c'), '', { kind: 'job_token', token: 'glcbt-c' }],
    ['Deploy-Token', (r) => r.set('Deploy-Token', 'gldt-d'), '', { kind: 'deploy_token', token: 'gldt-d' }],
    ['Bearer', (r) => r.set('Authorization', 'Bearer glpat-e'), '', { kind: 'bearer', token: 'glpat-e' }],
    // A header that carries nothing usable still says "not a browser session": no cookie fallback.
    ['Negotiate', (r) => r.set('Authorization', 'Negotiate abc'), '', null],
    ['an empty Private-Token', (r) => r.set('Private-Token', ''), '', null],
  ])(
    'when %s comes with the session cookie, then the cookie is ignored',
    async (_case, send, query, expected) => {
      const res = await send(request(app).get(`/probe${query}`).set('Cookie', '_stowage_session=s3cret'));

      expect(res.body).toEqual({ credentials: expected });
    },
  );

  it.each<[string, (r: request.Test) => request.Test, string]>([
    ['Basic that is not base64', (r) => r.set('Authorization', 'Basic %%%not-base64%%%'), ''],
    ['Basic without a colon', (r) => r.set('Authorization', basic('alice')), ''],
    ['Basic with nothing', (r) => r.set('Authorization', 'Basic'), ''],
    ['an empty Bearer', (r) => r.set('Authorization', 'Bearer'), ''],
    ['a Bearer with spaces', (r) => r.set('Authorization', 'Bearer a b'), ''],
    ['private_token given twice', (r) => r, '?private_token=a&private_token=b'],
  ])('when %s is sent, then MalformedCredentialsError is thrown', async (_case, send, query) => {
    const res = await send(request(app).get(`/probe${query}`));

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'MalformedCredentialsError' });
  });

  it('when credentials are malformed, then the error is an IdentityUnauthorizedError (one 401 path)', () => {
    expect(new MalformedCredentialsError('x')).toBeInstanceOf(IdentityUnauthorizedError);
  });
});
