import express from 'express';
import request from 'supertest';
import { chooseRepresentation } from './index-negotiation';

const app = express();
app.get('/', (req, res) => {
  res.json(chooseRepresentation(req));
});

async function chosen(accept?: string) {
  const call = request(app).get('/');
  return (await (accept === undefined ? call : call.set('Accept', accept))).body as unknown;
}

describe('PEP 691 content negotiation', () => {
  it('when pip sends its Accept, then it gets JSON', async () => {
    expect(
      await chosen(
        'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01',
      ),
    ).toEqual({ kind: 'json', contentType: 'application/vnd.pypi.simple.v1+json' });
  });

  it('when there is no Accept or a wildcard, then it gets text/html', async () => {
    expect(await chosen()).toEqual({ kind: 'html', contentType: 'text/html; charset=utf-8' });
    expect(await chosen('*/*')).toEqual({ kind: 'html', contentType: 'text/html; charset=utf-8' });
  });

  it('when the client prefers the versioned HTML, then it gets it', async () => {
    expect(
      await chosen('application/vnd.pypi.simple.v1+html, application/vnd.pypi.simple.v1+json;q=0.5'),
    ).toEqual({
      kind: 'html',
      contentType: 'application/vnd.pypi.simple.v1+html',
    });
  });

  it('when the client asks for latest JSON, then it gets v1 JSON', async () => {
    expect(await chosen('application/vnd.pypi.simple.latest+json')).toEqual({
      kind: 'json',
      contentType: 'application/vnd.pypi.simple.v1+json',
    });
  });

  it('when the client accepts none of the types, then nothing is chosen (406)', async () => {
    expect(await chosen('image/png')).toBeNull();
  });
});
